// The Slipway edge serving one static deployment (EDGE_SITE_DIR) at EDGE_HOST, in its own
// process. Tells its parent over IPC where it listens.
import { RouteTable } from "../../packages/server/src/edge/route-table.ts";
import { serveEdge } from "../lib/edge-target.ts";

const dir = process.env.EDGE_SITE_DIR;
const host = process.env.EDGE_HOST ?? "site.bench";
if (!dir) throw new Error("EDGE_SITE_DIR is required");

const routes = new RouteTable();
routes.set(host, { kind: "static", deploymentId: "dpl_bench", artifactDir: dir, spaFallback: false });
serveEdge(routes);
