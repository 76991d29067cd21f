import { readFileSync } from "node:fs";
import { isIP, isIPv4, isIPv6 } from "node:net";
import { join, resolve } from "node:path";
import { z } from "zod";

const listOf = (value: string) =>
  value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** What node:dns `setServers` takes: `1.1.1.1`, `1.1.1.1:5353`, `::1`, `[::1]:5353`. */
function isDnsServer(server: string): boolean {
  if (isIP(server) !== 0) return true;
  const match = /^(?:\[(.+)\]|([^:]+)):(\d{1,5})$/.exec(server);
  if (!match || Number(match[3]) > 65535) return false;
  return match[1] !== undefined ? isIPv6(match[1]) : isIPv4(match[2] ?? "");
}

/** Every environment variable Slipway reads, parsed once. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  SLIPWAY_EDGE_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** The edge's HTTPS port (SNI picks the certificate); 0 takes a free port. */
  SLIPWAY_EDGE_TLS_PORT: z.coerce.number().int().min(0).max(65535).default(8443),
  /** The ACME directory certificates are ordered from (HTTP-01 through the edge's HTTP port). */
  SLIPWAY_ACME_DIRECTORY: z.string().url().default("https://acme-v02.api.letsencrypt.org/directory"),
  /** The contact the CA writes to about expiring or revoked certificates. */
  SLIPWAY_ACME_EMAIL: z.string().email().optional(),
  /** A PEM file of extra CAs to trust for the ACME directory's HTTPS (a private or test CA). */
  SLIPWAY_ACME_CA_FILE: z.string().optional(),
  SLIPWAY_DATA_DIR: z.string().default(".slipway"),
  /** When set, PostgreSQL replaces the embedded PGlite store. */
  DATABASE_URL: z.string().url().optional(),
  /** 32 bytes, base64 or hex. Without it a 0600 key file in the data dir is used (and made on first start). */
  SLIPWAY_MASTER_KEY: z.string().optional(),
  /** smtp://user:pass@host:port; without it mail is held in the instance outbox. */
  SLIPWAY_SMTP_URL: z.string().url().optional(),
  SLIPWAY_MAIL_FROM: z.string().default("Slipway <slipway@localhost>"),
  /** The address people reach the dashboard at, used in links inside emails. */
  SLIPWAY_PUBLIC_URL: z.string().url().optional(),
  SLIPWAY_EDGE_DOMAIN: z.string().default("localhost"),
  SLIPWAY_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Sign-in attempts allowed per IP and per account in each window. */
  SLIPWAY_SIGNIN_LIMIT_PER_IP: z.coerce.number().int().min(1).default(30),
  SLIPWAY_SIGNIN_LIMIT_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
  SLIPWAY_SIGNIN_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
  /** Requests per minute per client on the API as a whole. */
  SLIPWAY_API_RATE_LIMIT: z.coerce.number().int().min(1).default(1200),
  /** Builds running at once on this instance, and per team. */
  SLIPWAY_BUILD_CONCURRENCY: z.coerce.number().int().min(1).default(2),
  SLIPWAY_TEAM_BUILD_CONCURRENCY: z.coerce.number().int().min(1).default(2),
  /**
   * Git transports projects may clone from. `file` lets a project clone any repository the
   * platform's user can read on this host: right for one owner's machine, remove it on a shared one.
   */
  SLIPWAY_GIT_PROTOCOLS: z.string().default("https,http,git,ssh,file"),
  /** Largest source upload `slipway deploy` may send, in MB. */
  SLIPWAY_UPLOAD_LIMIT_MB: z.coerce.number().int().min(1).default(200),
  SLIPWAY_APP_RESTART_BACKOFF_MS: z.coerce.number().int().min(10).max(30_000).default(1000),
  /** Serverless functions: blank runtimes kept started per runtime (node, python) for quick cold starts. */
  SLIPWAY_FUNCTION_POOL_SIZE: z.coerce.number().int().min(0).max(32).default(2),
  /** How long a warm function instance waits for its next invocation before it is stopped. */
  SLIPWAY_FUNCTION_IDLE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /** Largest .tar.gz a function version may be deployed from, in MB. */
  SLIPWAY_FUNCTION_UPLOAD_LIMIT_MB: z.coerce.number().int().min(1).max(1024).default(50),
  /** Where the built dashboard lives; the server serves it at /. */
  SLIPWAY_WEB_DIST: z.string().optional(),
  /**
   * DNS servers that check custom domains, comma-separated `ip` or `ip:port` (`[v6]:port`).
   * Empty: the system resolver. A public resolver sees new records sooner than a caching one.
   */
  SLIPWAY_DNS_SERVERS: z
    .string()
    .default("")
    .refine((v) => listOf(v).every(isDnsServer), "comma-separated `ip` or `ip:port` (`[ipv6]:port`)"),
  /** The IPv4 address visitors reach this server at; the A record an apex domain needs. */
  SLIPWAY_PUBLIC_IP: z.ipv4().optional(),
  /** Where a custom subdomain's CNAME points. Default: the project's production host. */
  SLIPWAY_CNAME_TARGET: z.string().optional(),
});

export type Config = {
  port: number;
  host: string;
  edgePort: number;
  edgeTlsPort: number;
  acme: { directoryUrl: string; email: string | undefined; caCertificates: string | undefined };
  dataDir: string;
  databaseUrl: string | undefined;
  masterKey: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  publicUrl: string;
  edgeDomain: string;
  logLevel: z.infer<typeof envSchema>["SLIPWAY_LOG_LEVEL"];
  signInLimits: { perIp: number; perAccount: number; windowSeconds: number };
  apiRateLimit: number;
  webDist: string;
  builds: { concurrency: number; teamConcurrency: number; uploadLimitBytes: number };
  /** Server apps: first restart delay after a crash (doubling, at most 30 s), and how often scaling is checked. */
  apps: { restartBackoffMs: number; tickMs: number; minuteMs: number };
  /**
   * Serverless functions: the pre-started pool per runtime, when a warm instance is frozen and
   * when stopped, the largest upload, and a factor on async retry delays (only tests shorten them).
   */
  functions: {
    poolSize: number;
    freezeAfterMs: number;
    idleStopMs: number;
    uploadLimitBytes: number;
    retryDelayScale: number;
    /** npm's and Go's caches, shared by every function's packaging (tests share one across platforms). */
    cacheDir: string;
  };
  gitProtocols: string[];
  /** Resolvers for custom domain checks, as node:dns `setServers` takes them; empty: the system's. */
  dnsServers: string[];
  publicIp: string | null;
  cnameTarget: string | null;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const port = overrides.port ?? e.PORT;
  const dataDir = resolve(e.SLIPWAY_DATA_DIR);
  return {
    port,
    host: e.HOST,
    edgePort: e.SLIPWAY_EDGE_PORT,
    edgeTlsPort: e.SLIPWAY_EDGE_TLS_PORT,
    acme: {
      directoryUrl: e.SLIPWAY_ACME_DIRECTORY,
      email: e.SLIPWAY_ACME_EMAIL,
      caCertificates: e.SLIPWAY_ACME_CA_FILE ? readFileSync(e.SLIPWAY_ACME_CA_FILE, "utf8") : undefined,
    },
    dataDir,
    databaseUrl: e.DATABASE_URL,
    masterKey: e.SLIPWAY_MASTER_KEY,
    smtpUrl: e.SLIPWAY_SMTP_URL,
    mailFrom: e.SLIPWAY_MAIL_FROM,
    publicUrl: e.SLIPWAY_PUBLIC_URL ?? `http://localhost:${port}`,
    edgeDomain: e.SLIPWAY_EDGE_DOMAIN,
    logLevel: e.SLIPWAY_LOG_LEVEL,
    signInLimits: {
      perIp: e.SLIPWAY_SIGNIN_LIMIT_PER_IP,
      perAccount: e.SLIPWAY_SIGNIN_LIMIT_PER_ACCOUNT,
      windowSeconds: e.SLIPWAY_SIGNIN_WINDOW_SECONDS,
    },
    apiRateLimit: e.SLIPWAY_API_RATE_LIMIT,
    webDist: e.SLIPWAY_WEB_DIST ?? resolve(import.meta.dirname, "../../web/dist"),
    gitProtocols: e.SLIPWAY_GIT_PROTOCOLS.split(",")
      .map((p) => p.trim())
      .filter(Boolean),
    builds: {
      concurrency: e.SLIPWAY_BUILD_CONCURRENCY,
      teamConcurrency: e.SLIPWAY_TEAM_BUILD_CONCURRENCY,
      uploadLimitBytes: e.SLIPWAY_UPLOAD_LIMIT_MB * 1024 * 1024,
    },
    // minuteMs: how long the idle timeouts' "minute" is; only tests shorten it.
    apps: { restartBackoffMs: e.SLIPWAY_APP_RESTART_BACKOFF_MS, tickMs: 2_000, minuteMs: 60_000 },
    functions: {
      poolSize: e.SLIPWAY_FUNCTION_POOL_SIZE,
      freezeAfterMs: 2_000,
      idleStopMs: e.SLIPWAY_FUNCTION_IDLE_SECONDS * 1000,
      uploadLimitBytes: e.SLIPWAY_FUNCTION_UPLOAD_LIMIT_MB * 1024 * 1024,
      retryDelayScale: 1,
      cacheDir: join(dataDir, "cache", "functions"),
    },
    dnsServers: listOf(e.SLIPWAY_DNS_SERVERS),
    publicIp: e.SLIPWAY_PUBLIC_IP ?? null,
    cnameTarget: e.SLIPWAY_CNAME_TARGET?.trim().toLowerCase().replace(/\.$/, "") || null,
    ...overrides,
  };
}
