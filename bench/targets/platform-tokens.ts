// The real platform (store from BENCH_STORE) with one team holding BENCH_TOKENS API tokens.
// Tells its parent over IPC where the token list is and which bearer secret reads it.
import { call, signUp, startTestPlatform, type TestStore } from "../../packages/server/src/testing/harness.ts";

const store = (process.env.BENCH_STORE ?? "pglite") as TestStore;
const tokenCount = Number(process.env.BENCH_TOKENS ?? 20);

// One client hammers one route, far beyond the per-client API rate limit; lift it.
const platform = await startTestPlatform(store, { apiRateLimit: 1_000_000_000 });
// Dropping the test database at the end terminates pool connections that are still closing.
(platform.db as unknown as { $client?: { on?(event: "error", fn: () => void): void } }).$client?.on?.(
  "error",
  () => {},
);

const session = await signUp(platform.url);
const teamId = session.personalTeamId;
let secret = "";
for (let i = 0; i < tokenCount; i++) {
  const res = await call(platform.url, "POST", `/api/v1/teams/${teamId}/tokens`, {
    cookie: session.cookie,
    body: { name: `bench-${i}`, scopes: ["team:read", "tokens:read"], expiresInDays: null },
  });
  if (res.status !== 201) throw new Error(`creating a token failed: ${res.status} ${JSON.stringify(res.body)}`);
  secret = res.body.secret;
}

process.send?.({ type: "ready", url: platform.url, path: `/api/v1/teams/${teamId}/tokens`, secret, store });
let stopping = false;
function shutdown() {
  if (stopping) return;
  stopping = true;
  platform.destroy().then(
    () => process.exit(0),
    () => process.exit(1),
  );
}
process.once("SIGTERM", shutdown);
// The bench process died without stopping us: drop the database anyway.
process.once("disconnect", shutdown);
