// wrk (C, epoll): light enough on one core to load a one-core server. A Lua script rotates
// over the paths of a size class with requests formatted once at start.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export const wrkConnections = 64;

export type WrkResult = { rps: number; p50: number; p99: number; requests: number; bad: number; mbPerSec: number };

function script(paths: string[]): string {
  return `local paths = { ${paths.map((p) => JSON.stringify(p)).join(", ")} }
local requests = {}
local i = 0
init = function()
  for k, p in ipairs(paths) do requests[k] = wrk.format(nil, p) end
end
request = function()
  i = i % #requests + 1
  return requests[i]
end
`;
}

function ms(value: string, unit: string): number {
  const n = Number(value);
  return unit === "us" ? n / 1000 : unit === "s" ? n * 1000 : unit === "m" ? n * 60_000 : n;
}

export function parseWrk(out: string): WrkResult {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN);
  const percentile = (p: string) => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, "m").exec(out);
    return m?.[1] && m[2] ? ms(m[1], m[2]) : Number.NaN;
  };
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errorCount = errors ? errors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  const transfer = /Transfer\/sec:\s+([\d.]+)(B|KB|MB|GB)/.exec(out);
  const scale: Record<string, number> = { B: 1 / 2 ** 20, KB: 1 / 1024, MB: 1, GB: 1024 };
  const mbPerSec = transfer?.[1] && transfer[2] ? Number(transfer[1]) * (scale[transfer[2]] ?? 1) : Number.NaN;
  return { rps, p50: percentile("50"), p99: percentile("99"), requests, bad: non2xx + errorCount, mbPerSec };
}

/** wrk pinned to `cpu`: one thread, 64 keep-alive connections, `seconds` long. */
export async function runWrk(
  url: string,
  paths: string[],
  headers: Record<string, string>,
  seconds: number,
  cpu: string,
): Promise<WrkResult> {
  const dir = mkdtempSync(join(tmpdir(), "slipway-bench-wrk-"));
  try {
    const lua = join(dir, "paths.lua");
    writeFileSync(lua, script(paths));
    // wrk adds its own Host unless given exactly "Host" (two Host headers: a 400).
    const headerArgs = Object.entries(headers).flatMap(([k, v]) => ["-H", `${k === "host" ? "Host" : k}: ${v}`]);
    const args = ["-c", cpu, "wrk", "-t1", `-c${wrkConnections}`, `-d${seconds}s`, "--latency", "--timeout", "10s"];
    const { stdout } = await run("taskset", [...args, ...headerArgs, "-s", lua, url], { maxBuffer: 1 << 20 });
    return parseWrk(stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
