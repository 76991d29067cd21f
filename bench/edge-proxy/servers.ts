// What edge-proxy runs besides the edge: the upstream apps (examples/node-server under plain
// node; nginx answering a fixed body) and nginx as the reverse proxy to compare with.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { type Nginx, spawnNginx } from "../edge-static/nginx.ts";
import { freePort, repoRoot, stopProcess, waitFor200 } from "../lib/proc.ts";

export type Upstream = { url: string; port: number; pid: number; stop(): Promise<void> };

/** examples/node-server started as its README says (`node server.js`), pinned to `cpu`. */
export async function startNodeApp(cpu: string): Promise<Upstream> {
  const port = await freePort();
  const child = spawn("taskset", ["-c", cpu, process.execPath, join(repoRoot, "examples/node-server/server.js")], {
    env: { PATH: process.env.PATH ?? "", PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor200(`${url}/healthz`, performance.now(), child, 15_000);
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  return { url, port, pid: child.pid ?? 0, stop: () => stopProcess(child) };
}

/** An upstream that costs next to nothing: nginx answering `hello\n` from its config. */
export async function startHelloNginx(cpu: string): Promise<Upstream> {
  const nginx = await spawnNginx(
    (port) => `keepalive_timeout 65s;
  keepalive_requests 1000000;
  tcp_nodelay on;
  server {
    listen 127.0.0.1:${port} reuseport;
    location / { default_type text/plain; return 200 "hello\\n"; }
  }`,
    cpu,
    "/",
  );
  return { ...nginx, port: Number(new URL(nginx.url).port) };
}

/**
 * nginx as a reverse proxy, one `server` per host, each to its upstream over a keep-alive pool
 * of 64, setting the headers the edge sets: Host passed through, X-Forwarded-For/-Proto/-Host/-Port.
 * keepalive_requests is raised on both sides: nginx's default (1000) would reconnect to the
 * upstream every 1000 requests, which the edge's node:http Agent never does.
 */
export function startNginxProxy(routes: { host: string; port: number }[], cpu: string): Promise<Nginx> {
  const blocks = routes.map(
    ({ port }, i) => `upstream app${i} {
    server 127.0.0.1:${port};
    keepalive 64;
    keepalive_requests 1000000;
  }`,
  );
  return spawnNginx(
    (port) => `keepalive_timeout 65s;
  keepalive_requests 1000000;
  tcp_nodelay on;
  ${blocks.join("\n  ")}
  ${routes
    .map(
      ({ host }, i) => `server {
    listen 127.0.0.1:${port}${i === 0 ? " reuseport" : ""};
    server_name ${host};
    location / {
      proxy_pass http://app${i};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
      proxy_set_header X-Forwarded-Port $server_port;
    }
  }`,
    )
    .join("\n  ")}`,
    cpu,
    "/",
  );
}
