// Baseline: a bare Fastify 5 app. One route answers with the JSON body it is given
// (BARE_BODY, captured from the real endpoint) at BARE_PATH; /readyz answers 200.
import Fastify from "fastify";

const path = process.env.BARE_PATH ?? "/bare";
const body: unknown = JSON.parse(process.env.BARE_BODY ?? "{}");

const app = Fastify({ logger: false });
app.get("/readyz", async () => ({ status: "ready" }));
app.get(path, async () => body);

await app.listen({ port: Number(process.env.PORT ?? 0), host: process.env.HOST ?? "127.0.0.1" });
const address = app.server.address();
const port = typeof address === "object" && address ? address.port : 0;
process.send?.({ type: "ready", url: `http://127.0.0.1:${port}` });
let stopping = false;
function shutdown() {
  if (stopping) return;
  stopping = true;
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
}
process.once("SIGTERM", shutdown);
process.once("disconnect", shutdown);
