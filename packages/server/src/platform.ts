import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { FastifyRequest } from "fastify";
import { z } from "zod";
import { type Config, loadConfig } from "./config.ts";
import { createEdgeServer } from "./edge/edge-server.ts";
import { RouteTable } from "./edge/route-table.ts";
import { createTlsEdgeServer } from "./edge/tls-server.ts";
import { createBuilder } from "./engines/builder/builder.ts";
import { detectToolchains } from "./engines/builder/toolchains.ts";
import { createSandbox } from "./engines/sandbox/sandbox.ts";
import { registerAccountRoutes } from "./features/account/account.routes.ts";
import { createAppFleet } from "./features/apps/app-fleet.ts";
import { registerAppRoutes } from "./features/apps/apps.routes.ts";
import { openDeploymentEnv, reportUnhealthy } from "./features/apps/apps.service.ts";
import { createRuntimeLogs } from "./features/apps/runtime-logs.ts";
import { registerAuditRoutes } from "./features/audit/audit.routes.ts";
import { registerAuthRoutes } from "./features/auth/auth.routes.ts";
import { createAuth } from "./features/auth/auth.ts";
import { createBuildLogs } from "./features/builds/build-logs.ts";
import { createBuildRunner } from "./features/builds/build-runner.ts";
import { registerBuildRoutes } from "./features/builds/builds.routes.ts";
import { buildJobPayload } from "./features/builds/builds.service.ts";
import { createCertificates } from "./features/certificates/certificates.ts";
import { createDeploymentFunctions } from "./features/deployments/deployment-functions.ts";
import { registerDeploymentRoutes } from "./features/deployments/deployments.routes.ts";
import { createEdgeRouteSync } from "./features/deployments/edge-routes.ts";
import type { EdgeAddress } from "./features/deployments/hostnames.ts";
import { scheduleRetentionJobs } from "./features/deployments/retention.ts";
import { createDnsChecker } from "./features/domains/dns-check.ts";
import { scheduleDomainJobs } from "./features/domains/domains.jobs.ts";
import { registerDomainRoutes } from "./features/domains/domains.routes.ts";
import { registerEnvRoutes } from "./features/env/env.routes.ts";
import { createFunctionAsync } from "./features/functions/function-async.ts";
import { createKeyedSerial } from "./features/functions/function-deploy.ts";
import { startFunctionDestinations } from "./features/functions/function-destinations.ts";
import { createFunctionGateway } from "./features/functions/function-gateway.ts";
import { startFunctionTriggers } from "./features/functions/function-triggers.ts";
import { registerFunctionRoutes } from "./features/functions/functions.routes.ts";
import { registerFunctionInvocationRoutes } from "./features/functions/functions-invocations.routes.ts";
import { registerFunctionTriggerRoutes } from "./features/functions/functions-triggers.routes.ts";
import { createInvocationRecorder } from "./features/functions/invocation-recorder.ts";
import { registerGitHookRoutes } from "./features/git-hooks/git-hooks.routes.ts";
import { registerProjectRoutes } from "./features/projects/projects.routes.ts";
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

  // Builds and deployments.
  const toolchains = detectToolchains();
  const edge: EdgeAddress = { domain: config.edgeDomain, port: config.edgePort };
  const routes = new RouteTable();
  const artifactsDir = join(config.dataDir, "artifacts");
  const sandbox = createSandbox({ logger, workRoot: join(config.dataDir, "work") });
  const runtimeLogs = createRuntimeLogs({ db, logger });
  const apps = createAppFleet({
    sandbox,
    logger,
    logs: runtimeLogs,
    artifactsDir,
    openEnv: (deploymentId, sealed) => openDeploymentEnv(deploymentId, sealed, secrets),
    onUnhealthy: (deploymentId, reason) => void reportUnhealthy({ db, outbox, logger }, deploymentId, reason),
    backoff: { initialMs: config.apps.restartBackoffMs, maxMs: 30_000 },
    tickMs: config.apps.tickMs,
    minuteMs: config.apps.minuteMs,
  });
  // Serverless functions: the gateway's table reloads with the edge routes (it adds the function hosts).
  const invocationRecorder = createInvocationRecorder({ db, logger });
  const functionGateway = createFunctionGateway({
    db,
    secrets,
    logger,
    sandbox,
    edge,
    recorder: invocationRecorder,
    functionsDir: join(config.dataDir, "functions"),
    slotsDir: join(config.dataDir, "function-slots"),
    poolSize: config.functions.poolSize,
    freezeAfterMs: config.functions.freezeAfterMs,
    idleStopMs: config.functions.idleStopMs,
  });
  const functionsAsync = createFunctionAsync({
    db,
    queue,
    outbox,
    logger,
    gateway: functionGateway,
    recorder: invocationRecorder,
    retryDelayScale: config.functions.retryDelayScale,
  });
  functionGateway.setEnqueueAsync(async (input) => {
    const invocationId = await functionsAsync.enqueue(db, { ...input, trigger: "http" });
    queue.wake();
    return invocationId;
  });
  // Deployments' api/ functions run in the same runtime; their output goes to the deployment's runtime logs.
  const deploymentFunctions = createDeploymentFunctions({
    runtime: functionGateway.runtime,
    logs: runtimeLogs,
    artifactsDir,
    openEnv: (deploymentId, sealed) => openDeploymentEnv(deploymentId, sealed, secrets),
    logger,
  });
  const edgeRoutes = createEdgeRouteSync({
    db,
    edge,
    routes,
    artifactsDir,
    logger,
    apps,
    functions: functionGateway,
    deploymentFunctions,
  });
  const builder = createBuilder({
    logger,
    sandbox,
    dataDir: config.dataDir,
    gitProtocols: config.gitProtocols,
    functionCacheDir: config.functions.cacheDir,
  });
  const buildLogs = createBuildLogs({ db, logger });
  const runner = createBuildRunner({
    db,
    logger,
    outbox,
    secrets,
    builder,
    logs: buildLogs,
    artifactsDir,
    concurrency: { instance: config.builds.concurrency, team: config.builds.teamConcurrency },
    apps,
    onRoutesChanged: () => edgeRoutes.changed(),
  });
  const buildJob = queue.define({
    name: "builds.run",
    payload: buildJobPayload,
    // A second attempt only after the platform stopped mid-build; failures of the build itself are final.
    maxAttempts: 2,
    timeoutMs: 3 * 60 * 60_000,
    handler: ({ buildId }) => runner.run(buildId),
  });
  const reconcileJob = queue.define({
    name: "builds.reconcile",
    payload: z.object({}),
    maxAttempts: 1,
    handler: () => runner.reconcile(),
  });
  const buildsDeps = { db, outbox, queue, buildJob, logs: buildLogs, edge, abortLocal: runner.abortLocal };

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
    runtimes: { nodeVersions: () => builder.nodeVersions(), toolchains },
    mailer,
    info: { version, store: store.kind, startedAt, edgeUrl: `http://${config.edgeDomain}:${config.edgePort}` },
  });
  registerTeamRoutes(app, { db, outbox });
  registerProjectRoutes(app, {
    db,
    outbox,
    secrets,
    edge,
    builder,
    publicUrl: config.publicUrl,
    onRoutesChanged: () => edgeRoutes.changed(),
  });
  registerBuildRoutes(app, {
    ...buildsDeps,
    builder,
    uploadsDir: join(config.dataDir, "uploads"),
    uploadLimitBytes: config.builds.uploadLimitBytes,
  });
  registerDeploymentRoutes(app, {
    db,
    outbox,
    edge,
    runtimeOf: (id) => apps.runtime(id),
    onRoutesChanged: () => edgeRoutes.changed(),
  });
  registerAppRoutes(app, { db, fleet: apps, logs: runtimeLogs });
  registerEnvRoutes(app, { db, secrets });
  registerFunctionRoutes(app, {
    db,
    outbox,
    secrets,
    edge,
    logger,
    sandbox,
    functionsDir: join(config.dataDir, "functions"),
    packagerCacheDir: config.functions.cacheDir,
    serial: createKeyedSerial(),
    toolchains,
    onChanged: () => edgeRoutes.changed(),
    evict: (functionId) => functionGateway.evict(functionId),
    uploadsDir: join(config.dataDir, "uploads"),
    uploadLimitBytes: config.functions.uploadLimitBytes,
  });
  registerFunctionInvocationRoutes(app, {
    db,
    gateway: functionGateway,
    async: functionsAsync,
    recorder: invocationRecorder,
  });
  // Cron and event triggers, and async destinations (helper "triggers"): they queue through functionsAsync.
  const { cronFireJob } = startFunctionTriggers({
    db,
    queue,
    scheduler,
    outbox,
    logger,
    enqueueAsync: functionsAsync.enqueue,
  });
  startFunctionDestinations({
    queue,
    logger,
    enqueueAsync: functionsAsync.enqueue,
    onSettled: functionsAsync.onSettled,
  });
  registerFunctionTriggerRoutes(app, { db, scheduler, cronFireJob });
  const domainsDeps = {
    db,
    outbox,
    logger,
    edge,
    publicIp: config.publicIp,
    cnameTarget: config.cnameTarget,
    dns: createDnsChecker({ servers: config.dnsServers }),
    onRoutesChanged: () => edgeRoutes.changed(),
  };
  registerDomainRoutes(app, domainsDeps);
  registerGitHookRoutes(app, { ...buildsDeps, secrets });
  registerTokenRoutes(app, { db, outbox });
  registerAuditRoutes(app, { db });
  const certificates = createCertificates({
    db,
    secrets,
    outbox,
    queue,
    logger,
    acme: config.acme,
    edgeDomain: config.edgeDomain,
  });
  certificates.registerRoutes(app);
  await registerWeb(app, { webDist: config.webDist });

  // One process holds the store in embedded mode: whatever was running when it stopped is lost.
  if (store.kind === "pglite") await queue.reclaimExpired({ all: true });
  await runner.reconcile();
  await scheduler.schedule("builds.reconcile", "* * * * *", reconcileJob, {});
  await scheduleDomainJobs({ queue, scheduler }, domainsDeps);
  await scheduleRetentionJobs(
    { queue, scheduler },
    { db, outbox, logger, artifactsDir, onRoutesChanged: () => edgeRoutes.changed() },
  );
  await certificates.start(scheduler);
  queue.start();
  scheduler.start();

  await app.listen({ port: config.port, host: config.host });
  let edgeTlsPort = config.edgeTlsPort;
  const edgeServer = createEdgeServer({
    logger,
    routes,
    acmeChallenges: certificates.challenges.responder,
    httpsPort: () => edgeTlsPort,
  });
  edgeServer.listen(config.edgePort, config.host);
  await once(edgeServer, "listening");
  const edgeTlsServer = createTlsEdgeServer({
    handlers: edgeServer.handlers,
    certificates: certificates.table,
    logger,
  });
  edgeTlsServer.listen(config.edgeTlsPort, config.host);
  await once(edgeTlsServer, "listening");
  edgeTlsPort = (edgeTlsServer.address() as AddressInfo).port;

  const apiPort = (app.server.address() as AddressInfo).port;
  const edgePort = (edgeServer.address() as AddressInfo).port;
  edge.port = edgePort;
  // Production and preview apps come back on their own: the first reload starts them.
  await edgeRoutes.reload();
  edgeRoutes.start();
  apps.start();
  logger.info(
    {
      api: `http://localhost:${apiPort}`,
      edge: `http://localhost:${edgePort}`,
      edgeTls: `https://localhost:${edgeTlsPort}`,
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
      edgeRoutes.stop();
      edgeServer.closeIdleConnections();
      certificates.stop();
      edgeTlsServer.closeIdleConnections();
      // Long-lived proxied streams (SSE, WebSockets) get a moment, then are cut.
      const cutStreams = setTimeout(() => {
        edgeServer.closeAllConnections();
        edgeTlsServer.closeAllConnections();
      }, 5_000);
      await Promise.all([
        app.close(),
        new Promise<void>((resolve) => edgeServer.close(() => resolve())),
        new Promise<void>((resolve) => edgeTlsServer.close(() => resolve())),
      ]);
      clearTimeout(cutStreams);
      await apps.stop();
      await queue.stop();
      // After the queue: an async invocation in progress finishes, then the instances go.
      await functionGateway.stop();
      await store.close();
      logger.info("slipway stopped");
    })();
    return stopping;
  }

  return {
    url: `http://localhost:${apiPort}`,
    edgeUrl: `http://localhost:${edgePort}`,
    edgeTlsUrl: `https://localhost:${edgeTlsPort}`,
    certificates,
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
    routes,
    apps,
    runtimeLogs,
    functionGateway,
    functionsAsync,
    runner,
    builder,
    stop,
  };
}
