import { closeSync, openSync, readSync } from "node:fs";
import { Agent, request } from "node:http";
import { outputHeader } from "./invocation-log.ts";

/**
 * How the runtime talks to an instance: HTTP on its port (kept-alive connections), and its
 * host process's CPU and memory from /proc.
 */

const agent = new Agent({ keepAlive: true });

export class TimedOut extends Error {}

export type InstanceAnswer = {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The host's list of the streams the invocation printed on, when it sent one (see invocation-log.ts). */
  printed: string | undefined;
};

/** One request to an instance; rejects with TimedOut after timeoutMs, or with the socket's error. */
export function callInstance(
  instance: { port: number; exited: boolean },
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
  timeoutMs: number,
  isRetry = false,
): Promise<InstanceAnswer> {
  return new Promise((resolve, reject) => {
    let hasAnswered = false;
    let hasTimedOut = false;
    const req = request({ host: "127.0.0.1", port: instance.port, method, path, headers, agent }, (res) => {
      hasAnswered = true;
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        clearTimeout(timer);
        const out: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers))
          if (value !== undefined && name !== outputHeader) out[name] = String(value);
        const answer = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
        const printed = res.headers[outputHeader];
        resolve({ status: res.statusCode ?? 502, headers: out, body: answer, printed: printed?.toString() });
      });
      res.on("error", reject);
    });
    const timer = setTimeout(() => {
      hasTimedOut = true;
      req.destroy();
      reject(new TimedOut());
    }, timeoutMs);
    req.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (hasTimedOut) return;
      // A kept-alive socket the instance closed while it sat idle: the request never reached
      // the function, so sending it once more on a new connection cannot run it twice.
      const isStale = req.reusedSocket && !hasAnswered && (error.code === "ECONNRESET" || error.code === "EPIPE");
      if (isStale && !isRetry && !instance.exited)
        resolve(callInstance(instance, method, path, headers, body, timeoutMs, true));
      else reject(error);
    });
    // An empty body is no write at all (a GET's).
    req.end(body && body.length > 0 ? body : undefined);
  });
}

export type ProcessUsage = { cpuMs: number; memoryBytes: number };
const freshMs = 1;

/**
 * CPU time and resident memory of one process, from its /proc/<pid>/stat. The file stays open
 * and is read again from its start (the kernel writes it anew on each read): one system call
 * a read instead of four. Read synchronously: a /proc read is a few microseconds in the kernel,
 * while the promise version's thread-pool round trips cost the platform a fifth of its time
 * under load. Once the process is gone (or its pid taken by another), reads answer null.
 */
export function createUsageReader(pid: number) {
  const buffer = Buffer.alloc(1024);
  let fd: number | null = null;
  let isClosed = false;
  let last: ProcessUsage | null = null;
  let lastAt = 0;
  return {
    read(): ProcessUsage | null {
      if (isClosed) return null;
      // The kernel counts CPU in 10 ms ticks: a reading under a millisecond old is as good as a
      // new one, and under load the invocations starting and ending at once share it.
      const now = performance.now();
      if (last && now - lastAt < freshMs) return last;
      last = readStat();
      lastAt = now;
      return last;
    },
    close(): void {
      isClosed = true;
      last = null;
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };

  function readStat(): ProcessUsage | null {
    let text: string;
    try {
      fd ??= openSync(`/proc/${pid}/stat`, "r");
      text = buffer.toString("latin1", 0, readSync(fd, buffer, 0, buffer.length, 0));
    } catch {
      return null;
    }
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    if (fields.length < 22) return null;
    // utime, stime (fields 14, 15) in ticks of 10 ms; rss (field 24) in 4 KiB pages.
    return { cpuMs: (Number(fields[11]) + Number(fields[12])) * 10, memoryBytes: Number(fields[21]) * 4096 };
  }
}

export type UsageReader = ReturnType<typeof createUsageReader>;
