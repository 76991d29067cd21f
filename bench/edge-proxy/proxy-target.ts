// The Slipway edge proxying to server apps, in its own process: each `host=port` of
// EDGE_APP_ROUTES becomes an app route whose upstreams always lend that port. Tells its parent
// over IPC where it listens.
import { type AppUpstreams, RouteTable } from "../../packages/server/src/edge/route-table.ts";
import { serveEdge } from "../lib/edge-target.ts";

const spec = process.env.EDGE_APP_ROUTES;
if (!spec) throw new Error("EDGE_APP_ROUTES is required: host=port,host=port");

/**
 * One running instance that never goes away, lent per request as the platform's AppPool lends
 * one (which also counts requests in flight and picks the least busy of several).
 */
function fixedUpstream(port: number): AppUpstreams {
  const lend = () => ({ instanceId: "ins_bench", port, release() {} });
  return { acquire: () => Promise.resolve(lend()), tryAcquire: lend };
}

const routes = new RouteTable();
for (const entry of spec.split(",")) {
  const [host, port] = entry.split("=");
  if (!host || !port) throw new Error(`EDGE_APP_ROUTES: expected host=port, got ${entry}`);
  routes.set(host, { kind: "app", deploymentId: `dpl_${host.split(".")[0]}`, upstreams: fixedUpstream(Number(port)) });
}
serveEdge(routes);
