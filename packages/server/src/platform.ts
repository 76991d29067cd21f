import { once } from "node:events";
import type { AddressInfo } from "node:net";
import type { FastifyRequest } from "fastify";
import { type Config, loadConfig } from "./config.ts";
import { createEdgeServer } from "./edge/edge-server.ts";
import { registerAccountRoutes } from "./features/account/account.routes.ts";
import { registerAuditRoutes } from "./features/audit/audit.routes.ts";
import { registerAuthRoutes } from "./features/auth/auth.routes.ts";
import { createAuth } from "./features/auth/auth.ts";
import { registerSystemRoutes } from "./features/system/system.routes.ts";
import { claimInstanceOwnership, instanceOwnerId } from "./features/system/system.service.ts";
import { registerTeamRoutes } from "./features/teams/teams.routes.ts";
import { createPersonalTeam, resolveTeamAccess } from "./features/teams/teams.service.ts";
import { registerTokenRoutes } from "./features/tokens/tokens.routes.ts";
import { authenticateToken } from "./features/tokens/tokens.service.ts";
import type { Actor } from "./platform/access.ts";
import { recordAudit } from "./platform/audit.ts";
import { openStore, pingStore } from "./platform/db.ts";
import { createHttpApp } from "./platform/http.ts";
import { createLogger } from "./platform/logger.ts";
import { createMailer } from "./platform/mailer.ts";
import { createOutbox } from "./platform/outbox.ts";
import { createQueue } from "./platform/queue.ts";
import { createScheduler } from "./platform/scheduler.ts";
import { createSecrets, loadMasterKey } from "./platform/secrets.ts";
import { registerWeb } from "./platform/web.ts";

export const version = "0.1.0";

export type Platform = Awaited<ReturnType<typeof startPlatform>>;

/**
 * The composition root: config → store → kernel → features → listeners. Everything a
 * feature needs is handed in here; nothing reaches for a singleton.
 */
export async function startPlatform(config: Config = loadConfig()) {
  const startedAt = new Date();
  const logger = createLogger(config.logLevel);
  const master = loadMasterKey({ fromEnv: config.masterKey, dataDir: config.dataDir });
  const secrets = createSecrets(master.key);
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    onConnectionError: (error) => logger.warn({ err: error.message }, "a database connection was dropped"),
  });
  const { db } = store;
  const queue = createQueue({ db, logger });
  const scheduler = createScheduler({ db, queue, logger });
  const outbox = createOutbox({ db, queue });
  const mailer = createMailer({ db, secrets, logger, smtpUrl: config.smtpUrl, from: config.mailFrom });
  const auth = createAuth({
    db,
    secrets,
    mailer,
    logger,
    publicUrl: config.publicUrl,
    onUserCreated: async (user) => {
      await createPersonalTeam(user, { db, outbox });
      if (await claimInstanceOwnership(user.id, db)) logger.info({ email: user.email }, "instance owner signed up");
    },
  });

  async function authenticate(request: FastifyRequest): Promise<Actor> {
    const header = request.headers.authorization;
    if (header?.startsWith("Bearer "))
      return (await authenticateToken(header.slice(7).trim(), db)) ?? { type: "anonymous" };
    const session = await auth.api.getSession({ headers: new Headers({ cookie: request.headers.cookie ?? "" }) });
    return session
      ? { type: "user", userId: session.user.id, email: session.user.email, sessionId: session.session.id }
      : { type: "anonymous" };
  }

  let isDraining = false;
  const app = await createHttpApp({
    logger,
    version,
    apiRateLimit: config.apiRateLimit,
    isHttps: config.publicUrl.startsWith("https:"),
    access: {
      authenticate,
      teamAccess: (actor, teamId) => resolveTeamAccess(actor, teamId, db),
      isInstanceOwner: async (userId) => (await instanceOwnerId(db)) === userId,
      recordDenied: (request, reason) =>
        recordAudit(db, {
          actor: request.actor,
          ip: request.ip,
          teamId: (request.params as { teamId?: string }).teamId ?? null,
          action: "access.denied",
          resource: { type: "route", id: `${request.method} ${request.routeOptions.url}` },
          result: "denied",
          details: { reason },
        }),
    },
  });

  app.get("/healthz", { schema: { hide: true } }, async () => ({ status: "ok" }));
  app.get("/readyz", { schema: { hide: true } }, async (_request, reply) => {
    if (isDraining) return reply.status(503).send({ status: "draining" });
    await pingStore(db);
    return { status: "ready", store: store.kind };
  });
  app.get("/api/v1/openapi.json", { config: { access: "public" }, schema: { hide: true } }, async () => app.swagger());

  registerAuthRoutes(app, { auth, db, authenticate, signInLimits: config.signInLimits });
  registerAccountRoutes(app, { db });
  registerSystemRoutes(app, {
    db,
    mailer,
    info: { version, store: store.kind, startedAt, edgeUrl: `http://${config.edgeDomain}:${config.edgePort}` },
  });
  registerTeamRoutes(app, { db, outbox });
  registerTokenRoutes(app, { db, outbox });
  registerAuditRoutes(app, { db });
  await registerWeb(app, { webDist: config.webDist });

  // One process holds the store in embedded mode: whatever was running when it stopped is lost.
  if (store.kind === "pglite") await queue.reclaimExpired({ all: true });
  queue.start();
  scheduler.start();

  await app.listen({ port: config.port, host: config.host });
  const edge = createEdgeServer({ logger });
  edge.listen(config.edgePort, config.host);
  await once(edge, "listening");

  const apiPort = (app.server.address() as AddressInfo).port;
  const edgePort = (edge.address() as AddressInfo).port;
  logger.info(
    {
      api: `http://localhost:${apiPort}`,
      edge: `http://localhost:${edgePort}`,
      store: store.kind,
      masterKey: master.source,
    },
    "slipway is up",
  );

  let stopping: Promise<void> | null = null;
  async function stop(): Promise<void> {
    stopping ??= (async () => {
      isDraining = true;
      scheduler.stop();
      edge.closeIdleConnections();
      await Promise.all([app.close(), new Promise<void>((resolve) => edge.close(() => resolve()))]);
      await queue.stop();
      await store.close();
      logger.info("slipway stopped");
    })();
    return stopping;
  }

  return {
    url: `http://localhost:${apiPort}`,
    edgeUrl: `http://localhost:${edgePort}`,
    app,
    db,
    store,
    queue,
    scheduler,
    outbox,
    secrets,
    mailer,
    auth,
    logger,
    stop,
  };
}
