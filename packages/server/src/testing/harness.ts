import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { type Config, loadConfig } from "../config.ts";
import { startPlatform } from "../platform.ts";
import { testFunctionCacheDir } from "./test-store.ts";

export type TestStore = "pglite" | "postgres";

/** Which stores integration tests run on: both unless SLIPWAY_TEST_STORES narrows it. */
export const testStores: TestStore[] = (process.env.SLIPWAY_TEST_STORES ?? "pglite,postgres")
  .split(",")
  .map((s) => s.trim())
  .filter((s): s is TestStore => s === "pglite" || s === "postgres");

const adminUrl = process.env.SLIPWAY_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** A fresh database on the real PostgreSQL server, dropped by the returned function. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `slipway_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        // pg's Pool.end() resolves before its connections have closed; dropping "with (force)"
        // then would make each of them raise an unhandled FATAL 57P01 in the test process.
        const deadline = Date.now() + 10_000;
        while (Date.now() < deadline) {
          const { rows } = await c.query<{ n: number }>(
            "select count(*)::int as n from pg_stat_activity where datname = $1",
            [name],
          );
          if (rows[0]?.n === 0) break;
          await new Promise((wait) => setTimeout(wait, 50));
        }
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

export type TestPlatform = Awaited<ReturnType<typeof startPlatform>> & {
  config: Config;
  restart(): Promise<TestPlatform>;
  destroy(): Promise<void>;
};

/**
 * The real platform on ephemeral ports, with its own data dir (PGlite) or its own database
 * (PostgreSQL). `restart` stops it and starts it again on the same data.
 */
/** Config to override; `functions` is merged into the defaults, one knob at a time. */
export type TestOverrides = Omit<Partial<Config>, "functions"> & { functions?: Partial<Config["functions"]> };

export async function startTestPlatform(store: TestStore, overrides: TestOverrides = {}): Promise<TestPlatform> {
  const dataDir = mkdtempSync(join(tmpdir(), "slipway-test-"));
  // The sandbox user must pass through the data dir to reach its workspace, as with a real .slipway/.
  chmodSync(dataDir, 0o711);
  const database = store === "postgres" ? await createTestDatabase() : null;
  const { functions, ...rest } = overrides;
  const config = loadConfig(
    { SLIPWAY_DATA_DIR: dataDir, SLIPWAY_LOG_LEVEL: "silent" },
    {
      port: 0,
      edgePort: 0,
      edgeTlsPort: 0,
      host: "127.0.0.1",
      databaseUrl: database?.url,
      webDist: join(dataDir, "no-dashboard"),
      publicUrl: "http://localhost:3000",
      ...rest,
    },
  );
  config.functions = { ...config.functions, cacheDir: testFunctionCacheDir, ...functions };
  async function boot(): Promise<TestPlatform> {
    const platform = await startPlatform(config);
    return Object.assign(platform, {
      config,
      restart: async () => {
        await platform.stop();
        return boot();
      },
      destroy: async () => {
        await platform.stop();
        await database?.drop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    });
  }
  return boot();
}

export const strongPassword = "correct-horse-battery-staple-9";

/** A signed-in person: a cookie jar and fetch helpers against one platform. */
export type Session = {
  userId: string;
  email: string;
  cookie: string;
  personalTeamId: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back.
  call: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;
};

export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; cookie?: string; token?: string; headers?: Record<string, string> } = {},
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back.
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers["content-type"] ??= "application/json";
  if (options.cookie) headers.cookie = options.cookie;
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  // Same-origin browser requests carry Origin; better-auth checks it on cookie-bearing POSTs.
  headers.origin ??= "http://localhost:3000";
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(options.body !== undefined
      ? {
          body:
            typeof options.body === "string" || options.body instanceof Uint8Array
              ? (options.body as string | Uint8Array)
              : JSON.stringify(options.body),
        }
      : {}),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {}
  return { status: response.status, body, headers: response.headers };
}

export function cookieFrom(headers: Headers): string {
  return headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

let counter = 0;

/** Signs a new account up through the same endpoint the sign-up page uses. */
export async function signUp(baseUrl: string, options: { email?: string; name?: string } = {}): Promise<Session> {
  counter++;
  const email = options.email ?? `user${counter}-${Math.random().toString(36).slice(2, 7)}@example.com`;
  const res = await call(baseUrl, "POST", "/api/auth/sign-up/email", {
    body: { email, name: options.name ?? `User ${counter}`, password: strongPassword },
  });
  if (res.status !== 200) throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(res.body)}`);
  const cookie = cookieFrom(res.headers);
  const me = await call(baseUrl, "GET", "/api/v1/me", { cookie });
  const personal = me.body.teams.find((t: { isPersonal: boolean }) => t.isPersonal);
  return {
    userId: me.body.user.id,
    email,
    cookie,
    personalTeamId: personal.id,
    call: async (method, path, body) => {
      const r = await call(baseUrl, method, path, { cookie, body });
      return { status: r.status, body: r.body };
    },
  };
}
