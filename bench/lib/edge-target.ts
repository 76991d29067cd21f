// Runs the Slipway edge over a route table in a bench target process: listens on a loopback
// port, tells the parent over IPC where, and exits when told to or when the parent goes.
import { createEdgeServer } from "../../packages/server/src/edge/edge-server.ts";
import type { RouteTable } from "../../packages/server/src/edge/route-table.ts";
import { createLogger } from "../../packages/server/src/platform/logger.ts";

export function serveEdge(routes: RouteTable): void {
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
}
