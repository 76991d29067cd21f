import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type Db, openStore, type Store } from "../platform/db.ts";
import { createLogger } from "../platform/logger.ts";
import { createTestDatabase, type TestStore } from "./harness.ts";

export const testLogger = createLogger("silent");

/** Where a test's store lives, and every handle opened on it; `destroy` closes and removes them all. */
export type TestStoreLocation = {
  kind: TestStore;
  /** What `openStore` takes; a child process opens the same data with it. */
  options: { databaseUrl: string | undefined; dataDir: string };
  /** A new handle on the same data: another pool on PostgreSQL, the next owner of the data dir on PGlite. */
  open(): Promise<Store>;
  destroy(): Promise<void>;
};

/** A fresh, not yet opened store: a mkdtemp data dir for PGlite, a new database for PostgreSQL. */
export async function createTestStore(kind: TestStore): Promise<TestStoreLocation> {
  const dataDir = mkdtempSync(join(tmpdir(), "slipway-store-"));
  const database = kind === "postgres" ? await createTestDatabase() : null;
  const open = new Set<Store>();
  return {
    kind,
    options: { databaseUrl: database?.url, dataDir },
    async open() {
      const store = await openStore({ databaseUrl: database?.url, dataDir });
      open.add(store);
      return {
        ...store,
        close: async () => {
          open.delete(store);
          await store.close();
        },
      };
    },
    async destroy() {
      await Promise.all([...open].map((store) => store.close()));
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A fresh store, opened once. */
export async function openTestStore(kind: TestStore): Promise<TestStoreLocation & { store: Store; db: Db }> {
  const location = await createTestStore(kind);
  const store = await location.open();
  return { ...location, store, db: store.db };
}

/**
 * Polls until `check` returns something other than undefined/false, or fails after the
 * deadline. Tests wait on outcomes, never on fixed sleeps, so a loaded machine is only slower.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(options.intervalMs ?? 50);
  }
}

/**
 * Function packaging caches (Go's compiled standard library: half a minute to make), shared by
 * every test on this machine as one platform shares them across its deploys. The seed holds
 * only the standard library.
 */
export const testFunctionCacheDir = join(tmpdir(), "slipway-test-function-packager-cache");
