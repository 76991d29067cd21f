// The Slipway edge serving one static deployment (EDGE_SITE_DIR) at EDGE_HOST, in its own
// process. Tells its parent over IPC where it listens.
import { createEdgeServer } from "../../packages/server/src/edge/edge-server.ts";
import { RouteTable } from "../../packages/server/src/edge/route-table.ts";
import { createLogger } from "../../packages/server/src/platform/logger.ts";

const dir = process.env.EDGE_SITE_DIR;
const host = process.env.EDGE_HOST ?? "site.bench";
if (!dir) throw new Error("EDGE_SITE_DIR is required");

const routes = new RouteTable();
routes.set(host, { kind: "static", deploymentId: "dpl_bench", artifactDir: dir, spaFallback: false });
const server = createEdgeServer({ logger: createLogger("warn"), routes });
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  process.send?.({ type: "ready", url: `http://127.0.0.1:${port}` });
});

let stopping = false;
function shutdown() {
  if (stopping) return;
  stopping = true;
  server.closeAllConnections();
  server.close(() => process.exit(0));
}
process.once("SIGTERM", shutdown);
process.once("disconnect", shutdown);
