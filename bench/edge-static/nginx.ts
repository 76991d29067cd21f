// nginx as the baseline: a foreground child process (one worker, no master) with a generated
// config on a free loopback port. For edge-static it serves the same directory with sendfile,
// keep-alive, open_file_cache and gzip_static (precompressed .gz beside each file; no
// on-the-fly gzip); edge-proxy gives it its own `http { … }` contents.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, stopProcess, waitFor200 } from "../lib/proc.ts";

export type Nginx = { url: string; pid: number; stop(): Promise<void> };

const types = {
  "text/html": "html",
  "text/css": "css",
  "text/javascript": "js mjs",
  "application/json": "json map",
  "image/svg+xml": "svg",
  "image/png": "png",
  "font/woff2": "woff2",
  "video/mp4": "mp4",
};

/** The static site's `http { … }` contents. */
function staticSite(root: string, port: number): string {
  const typeLines = Object.entries(types).map(([type, exts]) => `${type} ${exts};`);
  return `types { ${typeLines.join(" ")} }
  default_type application/octet-stream;
  charset utf-8;
  charset_types text/css text/javascript application/json image/svg+xml;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65s;
  keepalive_requests 1000000;
  open_file_cache max=1000 inactive=60s;
  open_file_cache_valid 60s;
  gzip off;
  gzip_static on;
  gzip_vary on;
  add_header X-Content-Type-Options nosniff;
  server {
    listen 127.0.0.1:${port} reuseport;
    root ${root};
    location / { try_files $uri $uri.html $uri/ =404; }
  }`;
}

/** One worker in the foreground, no master, no access log, its temp files under `prefix`. */
function config(prefix: string, http: string): string {
  const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `${t}_temp_path ${prefix}/${t};`);
  return `daemon off;
master_process off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  ${temp.join("\n  ")}
  ${http}
}
`;
}

/**
 * Starts nginx pinned to `cpu` (taskset) with the `http { … }` contents `http(port)` gives for
 * a free loopback port, and waits until `probePath` answers 200.
 */
export async function spawnNginx(http: (port: number) => string, cpu: string, probePath: string): Promise<Nginx> {
  const prefix = mkdtempSync(join(tmpdir(), "slipway-bench-nginx-"));
  const port = await freePort();
  const conf = join(prefix, "nginx.conf");
  writeFileSync(conf, config(prefix, http(port)));
  const child = spawn("taskset", ["-c", cpu, "nginx", "-p", prefix, "-e", join(prefix, "error.log"), "-c", conf], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor200(`${url}${probePath}`, performance.now(), child, 15_000);
  } catch (error) {
    await stopProcess(child);
    rmSync(prefix, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    pid: child.pid ?? 0,
    stop: async () => {
      await stopProcess(child);
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}

/** nginx serving the static site in `root`. */
export function startNginx(root: string, cpu: string, probePath: string): Promise<Nginx> {
  return spawnNginx((port) => staticSite(root, port), cpu, probePath);
}
