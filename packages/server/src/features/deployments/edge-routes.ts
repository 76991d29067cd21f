import { join } from "node:path";
import type { RouteEntry, RouteTable } from "../../edge/route-table.ts";
import type { Db } from "../../platform/db.ts";
import type { Logger } from "../../platform/logger.ts";
import { createReloader } from "../../platform/reloader.ts";
import type { AppFleet } from "../apps/app-fleet.ts";
import { appDeploymentsOf } from "../apps/apps.service.ts";
import { domainRouteEntries } from "../domains/domain-routes.ts";
import type { DeploymentFunctions } from "./deployment-functions.ts";
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
  /** Server apps: their instance pools become route targets. */
  apps?: AppFleet;
  /** Serverless functions: reloaded with the routes (one reload), their hosts added to the table. */
  functions?: { load(): Promise<RouteEntry[]> };
  /** Deployments' api/ functions: their calls answer `/api/<name>` on the deployment's hosts. */
  deploymentFunctions?: DeploymentFunctions;
  intervalMs?: number;
}) {
  async function reload(): Promise<void> {
    const loaded = await loadRoutes(deps);
    const apps = deps.apps?.plan(appDeploymentsOf(loaded));
    const apiFunctions = deps.deploymentFunctions?.plan(loaded.deployments.map((d) => d.deployment));
    const entries: RouteEntry[] = [];
    for (const r of loaded.routes) {
      const pool = r.kind === "app" ? apps?.pools.get(r.deploymentId) : undefined;
      if (r.kind === "app" && !pool) continue;
      const calls = apiFunctions?.get(r.deploymentId);
      const api = calls ? { apiFunctions: calls } : {};
      entries.push({
        host: r.host,
        target: pool
          ? { kind: "app", deploymentId: r.deploymentId, upstreams: pool, ...api }
          : {
              kind: "static",
              deploymentId: r.deploymentId,
              artifactDir: join(deps.artifactsDir, r.artifactHash),
              spaFallback: r.spaFallback,
              ...api,
            },
      });
    }
    // Verified custom domains serve what their project's production or branch host serves.
    entries.push(...(await domainRouteEntries(deps, entries)));
    if (deps.functions) entries.push(...(await deps.functions.load()));
    deps.routes.replaceAll(entries);
    // Only now, with the new routes in place, may an old production deployment start draining.
    apps?.apply();
  }

  return createReloader(reload, { logger: deps.logger, what: "edge route", intervalMs: deps.intervalMs });
}
