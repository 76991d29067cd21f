import { isAbsolute, resolve } from "node:path";

/** Serve the built files of a deployment from its artifact directory. */
export type StaticTarget = {
  kind: "static";
  deploymentId: string;
  /** Absolute directory of the built files; immutable once the deployment exists. */
  artifactDir: string;
  /** Answer unknown extension-less paths (and any path a browser navigates to) with /index.html. */
  spaFallback: boolean;
};

/**
 * What a host routes to. A union on `kind`: the next kinds slot in beside `static`, e.g.
 * `{ kind: "app"; deploymentId; upstreams }` (proxy to instances) and
 * `{ kind: "redirect"; location; status }`; the edge server switches on `kind`.
 */
export type RouteTarget = StaticTarget;

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

  /** The target for a Host header, as sent (any case, with or without port). */
  lookup(host: string | undefined): RouteTarget | undefined {
    if (!host) return undefined;
    // Hot path: a lower-case host without port is already a key.
    return this.#routes.get(host) ?? this.#routes.get(normalizeHost(host));
  }

  get size(): number {
    return this.#routes.size;
  }

  entries(): RouteEntry[] {
    return [...this.#routes].map(([host, target]) => ({ host, target }));
  }
}
