import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import * as schema from "./schema.ts";

export type Schema = typeof schema;
/** One type for both stores; features never know which one they run on. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** A function that can run inside or outside a transaction takes this. */
export type Executor = Db | Tx;

export type Store = {
  kind: "pglite" | "postgres";
  db: Db;
  close(): Promise<void>;
};

const migrationsFolder = resolve(import.meta.dirname, "../../migrations");

/** Opens the store and applies checked-in migrations. PGlite in dataDir unless databaseUrl is set. */
export async function openStore(options: {
  databaseUrl?: string | undefined;
  dataDir: string;
  onConnectionError?: (error: Error) => void;
}): Promise<Store> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    // An idle connection the server drops (restart, pg_terminate_backend) must not take the process down;
    // the pool replaces it on the next query.
    pool.on("error", (error) => options.onConnectionError?.(error));
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    // Several nodes may start at once: one migrates while the others wait on the lock.
    const client = await pool.connect();
    try {
      await client.query("select pg_advisory_lock(727274)");
      await migratePg(drizzlePg(client), { migrationsFolder });
    } finally {
      await client.query("select pg_advisory_unlock(727274)").catch(() => undefined);
      client.release();
    }
    return { kind: "postgres", db, close: () => pool.end() };
  }
  const dir = join(options.dataDir, "db");
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, "PG_VERSION"))) {
    // initdb leaves ~500 MiB in PGlite's WebAssembly heap, which never shrinks: create the
    // cluster with a throwaway instance, then open it afresh (~300 MiB less, ~0.3 s more, once).
    await (await PGlite.create(dir)).close();
  }
  const client = await PGlite.create(dir);
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  await migratePglite(drizzlePglite(client), { migrationsFolder });
  return {
    kind: "pglite",
    db,
    close: async () => {
      await client.close();
    },
  };
}

export async function pingStore(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}
