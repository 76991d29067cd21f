import { join } from "node:path";
import type { RouteTable } from "../../edge/route-table.ts";
import type { Db } from "../../platform/db.ts";
import type { Logger } from "../../platform/logger.ts";
import { loadRoutes } from "./deployments.service.ts";
import type { EdgeAddress } from "./hostnames.ts";

/**
 * Keeps the edge's in-memory route table equal to the store: reloaded whole at start, right
 * after this process moves a route, and every few seconds for changes other nodes made.
 */
export function createEdgeRouteSync(deps: {
  db: Db;
  edge: EdgeAddress;
  routes: RouteTable;
  artifactsDir: string;
  logger: Logger;
  intervalMs?: number;
}) {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let next: Promise<void> | null = null;

  async function reload(): Promise<void> {
    const rows = await loadRoutes(deps);
    deps.routes.replaceAll(
      rows.map((r) => ({
        host: r.host,
        target: {
          kind: "static",
          deploymentId: r.deploymentId,
          artifactDir: join(deps.artifactsDir, r.artifactHash),
          spaFallback: r.spaFallback,
        },
      })),
    );
  }

  function run(): Promise<void> {
    const p = reload()
      .catch((error) => deps.logger.error({ err: error }, "edge route reload failed"))
      .finally(() => {
        if (running === p) running = null;
      });
    running = p;
    return p;
  }

  /**
   * Resolves once a reload that started after this call has finished, so the caller's change is
   * in the table. Bursts coalesce: at most one reload runs and one waits.
   */
  function changed(): Promise<void> {
    if (!running) return run();
    next ??= running.then(() => {
      next = null;
      return run();
    });
    return next;
  }

  return {
    reload,
    changed,
    start() {
      timer = setInterval(() => void changed(), deps.intervalMs ?? 5000);
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
