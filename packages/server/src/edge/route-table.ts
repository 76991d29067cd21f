import { isAbsolute, resolve } from "node:path";
import type { FunctionCall } from "./function-proxy.ts";

/**
 * Functions a deployment serves at `/api/<name>` on all its hosts (its artifact's `api/` folder),
 * by name; the rest of its paths are served as usual.
 */
export type ApiFunctions = ReadonlyMap<string, FunctionCall>;

/** Serve the built files of a deployment from its artifact directory. */
export type StaticTarget = {
  kind: "static";
  deploymentId: string;
  /** Absolute directory of the built files; immutable once the deployment exists. */
  artifactDir: string;
  /** Answer unknown extension-less paths (and any path a browser navigates to) with /index.html. */
  spaFallback: boolean;
  apiFunctions?: ApiFunctions;
};

/** One instance of an app, lent to one request (or WebSocket) until release(). */
export type AppUpstream = { instanceId: string; port: number; release(): void };

/** The running instances of an app deployment, as the edge sees them (the runtime implements it). */
export type AppUpstreams = {
  /**
   * An instance for one request: the least busy healthy one. When none runs (scaled to zero)
   * it starts one and resolves once it answers, so the request waits instead of failing.
   * Rejects when no instance can be had; `exclude` skips instances that just failed.
   */
  acquire(exclude?: ReadonlySet<string>): Promise<AppUpstream>;
  /** The least busy healthy instance now, other than `exclude`; null when none (no waiting, no wake). */
  tryAcquire?(exclude?: string): AppUpstream | null;
};

/** Proxy to a server app's instances. */
export type AppTarget = { kind: "app"; deploymentId: string; upstreams: AppUpstreams; apiFunctions?: ApiFunctions };

/** A serverless function's own host: every path and method goes to it. */
export type FunctionTarget = {
  kind: "function";
  /** The function's id (`fn_…`), for logs and the x-slipway-deployment header. */
  deploymentId: string;
  call: FunctionCall;
};

/** Answer every request with a redirect to the same path on another host (www → apex). */
export type RedirectTarget = {
  kind: "redirect";
  /** Sent in no header; "redirect", so every target has one for logs. */
  deploymentId: string;
  /** The host to send visitors to; scheme, port, path and query come from the request. */
  location: string;
  status: 301 | 302 | 307 | 308;
};

/** What a host routes to: a union on `kind` the edge server switches on. */
export type RouteTarget = (StaticTarget | AppTarget | RedirectTarget | FunctionTarget) & {
  /** Plain-HTTP requests get a 308 to the same URL over HTTPS (a custom domain's "HTTPS only"). */
  httpsOnly?: boolean;
};

export type RouteEntry = { host: string; target: RouteTarget };

/**
 * A Host header as the table keys it: lower-cased, without port and trailing dot.
 * `[::1]:8080` keeps its brackets: `[::1]`.
 */
export function normalizeHost(raw: string): string {
  let host = raw.trim().toLowerCase();
  const colon = host.lastIndexOf(":");
  if (colon !== -1 && (host[0] !== "[" || host[colon - 1] === "]")) {
    host = host.slice(0, colon);
  }
  if (host.endsWith(".")) host = host.slice(0, -1);
  return host;
}

// Sent as a response header as is: visible ASCII only.
const headerSafe = /^[\x21-\x7e]+$/;

function checkTarget(target: RouteTarget): RouteTarget {
  if (!headerSafe.test(target.deploymentId))
    throw new Error(`invalid deploymentId: ${JSON.stringify(target.deploymentId)}`);
  if (target.kind === "static") {
    if (!isAbsolute(target.artifactDir)) throw new Error(`artifactDir must be absolute: ${target.artifactDir}`);
    return { ...target, artifactDir: resolve(target.artifactDir) };
  }
  if (target.kind === "redirect" && !/^[a-z0-9.-]+$/.test(target.location))
    throw new Error(`invalid redirect location: ${JSON.stringify(target.location)}`);
  return target;
}

/**
 * The edge's host → target map. The control plane computes every hostname
 * (`<deployment>--<project>.<domain>`, `<project>.<domain>`, `<project>-git-<branch>.<domain>`,
 * custom domains) and loads the table at start and on events; the edge only looks hosts up,
 * never the store.
 */
export class RouteTable {
  #routes = new Map<string, RouteTarget>();

  /** Swaps in a whole new map at once: a lookup sees the old table or the new one, never a mix. */
  replaceAll(entries: Iterable<RouteEntry>): void {
    const next = new Map<string, RouteTarget>();
    for (const { host, target } of entries) next.set(normalizeHost(host), checkTarget(target));
    this.#routes = next;
  }

  set(host: string, target: RouteTarget): void {
    this.#routes.set(normalizeHost(host), checkTarget(target));
  }

  remove(host: string): boolean {
    return this.#routes.delete(normalizeHost(host));
  }

  /**
   * The target for a Host header, as sent (any case, with or without port). A host without a
   * route of its own falls back to a wildcard one label up: `a.example.com` → `*.example.com`.
   */
  lookup(host: string | undefined): RouteTarget | undefined {
    if (!host) return undefined;
    // Hot path: a lower-case host without port is already a key.
    const exact = this.#routes.get(host);
    if (exact !== undefined) return exact;
    const normal = normalizeHost(host);
    const target = this.#routes.get(normal);
    if (target !== undefined) return target;
    const dot = normal.indexOf(".");
    return dot > 0 ? this.#routes.get(`*${normal.slice(dot)}`) : undefined;
  }

  get size(): number {
    return this.#routes.size;
  }

  entries(): RouteEntry[] {
    return [...this.#routes].map(([host, target]) => ({ host, target }));
  }
}
