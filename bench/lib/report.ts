import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./proc.ts";

/** One line of the table: Slipway's figure next to a baseline measured in the same run. */
export type Comparison = {
  metric: string;
  unit: string;
  value: number;
  baseline: number;
  baselineLabel: string;
  /** value / baseline. */
  ratio: number;
  note?: string;
};

export type BenchResult = { name: string; comparisons: Comparison[]; notes: string[]; details: unknown };

export type Benchmark = { name: string; describe: string; run(): Promise<BenchResult> };

export function compare(c: Omit<Comparison, "ratio">): Comparison {
  return { ...c, ratio: c.baseline === 0 ? Number.NaN : c.value / c.baseline };
}

function fmt(n: number, unit: string): string {
  const digits = Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2;
  return `${n.toFixed(digits)} ${unit}`;
}

function fmtRatio(r: number): string {
  if (!Number.isFinite(r)) return "n/a";
  return `${r >= 10 ? r.toFixed(1) : r >= 0.1 ? r.toFixed(2) : r.toFixed(3)}×`;
}

export function printTable(results: BenchResult[]): void {
  const rows = [["benchmark", "metric", "slipway", "baseline", "", "ratio"]];
  for (const r of results) {
    for (const c of r.comparisons) {
      rows.push([r.name, c.metric, fmt(c.value, c.unit), fmt(c.baseline, c.unit), c.baselineLabel, fmtRatio(c.ratio)]);
    }
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0))) ?? [];
  const line = (row: string[]) =>
    row.map((cell, i) => (i === 2 || i === 3 || i === 5 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)));
  console.log("");
  console.log(line(rows[0] ?? []).join("  "));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows.slice(1)) console.log(line(row).join("  "));
  console.log("\nratio = slipway / baseline (for req/s higher is better; for ms and MiB lower is better)");
  for (const r of results) for (const note of r.notes) console.log(`${r.name}: ${note}`);
}

function gitCommit(): string | null {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: repoRoot, encoding: "utf8" }).trim();
  } catch {
    return null;
  }
}

export function writeResults(results: BenchResult[], settings: Record<string, unknown>): string {
  const dir = join(repoRoot, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const at = new Date().toISOString();
  const file = join(dir, `${at.replaceAll(":", "-").replace(/\.\d+Z$/, "Z")}.json`);
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memMiB: Math.round(totalmem() / 2 ** 20) };
  const meta = { at, commit: gitCommit(), node: process.version, machine, loadavg: loadavg(), settings };
  writeFileSync(file, `${JSON.stringify({ ...meta, results }, null, 2)}\n`);
  return file;
}
