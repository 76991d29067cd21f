import { spawn } from "node:child_process";
import { freePort, memoryMiB, repoRoot, stopProcess, waitFor200 } from "./proc.ts";

export type TimedStart = { readyMs: number; rssMiB: number; peakRssMiB: number };

/** Spawns `node --import tsx <file>`, times it until /readyz answers 200, then reads its memory and stops it. */
export async function timeStart(file: string, env: Record<string, string>, settleMs = 1000): Promise<TimedStart> {
  const port = await freePort();
  const edgePort = await freePort();
  const { DATABASE_URL: _db, SLIPWAY_MASTER_KEY: _key, ...inherited } = process.env;
  const output: Buffer[] = [];
  const t0 = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", file], {
    cwd: repoRoot,
    env: {
      ...inherited,
      HOST: "127.0.0.1",
      PORT: String(port),
      SLIPWAY_EDGE_PORT: String(edgePort),
      SLIPWAY_EDGE_TLS_PORT: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (chunk: Buffer) => output.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => output.push(chunk));
  try {
    const readyMs = await waitFor200(`http://127.0.0.1:${port}/readyz`, t0, child);
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    const pid = child.pid ?? 0;
    return { readyMs, rssMiB: memoryMiB(pid, "VmRSS"), peakRssMiB: memoryMiB(pid, "VmHWM") };
  } catch (error) {
    const tail = Buffer.concat(output).toString("utf8").slice(-2000);
    throw new Error(`${file}: ${error instanceof Error ? error.message : error}\n${tail}`);
  } finally {
    await stopProcess(child);
  }
}
