import { eq } from "drizzle-orm";
import type { FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { recordAudit } from "../../platform/audit.ts";
import { AppError, notFound } from "../../platform/errors.ts";
import type { HttpApp } from "../../platform/http.ts";
import type { Secrets } from "../../platform/secrets.ts";
import { type BuildsDeps, queueBuild } from "../builds/builds.service.ts";
import { preferencesOf, webhookSecretOf } from "../projects/projects.service.ts";
import { gitDeliveries, projects } from "../projects/projects.tables.ts";
import { readPushWebhook, verifyDeployHook } from "./push-events.ts";

const hookParams = z.strictObject({ projectId: z.string().max(64) });
const hookAnswer = z.object({
  status: z.enum(["queued", "duplicate", "ignored", "skipped"]),
  buildId: z.string().nullable(),
  reason: z.string().nullable(),
  /** Set when a valid push started nothing on purpose (auto-deploy is off): why. */
  skipped: z.string().optional(),
});
/** A push the project asked not to build: accepted (202, so the forge does not retry), not built. */
const autoDeployOff = "auto-deploy is off for this project";
const tags = ["hooks"];

/**
 * Endpoints forges and scripts call without a session: the signature is the credential.
 * A wrong signature is a 401 and an audit record; a delivery seen before starts nothing.
 */
export function registerGitHookRoutes(app: HttpApp, deps: BuildsDeps & { secrets: Secrets }) {
  /** The project a hook names, the exact bytes sent (signatures cover them) and the secret to check them with. */
  async function hookRequest(request: { params: { projectId: string }; body: unknown }) {
    const [project] = await deps.db.select().from(projects).where(eq(projects.id, request.params.projectId));
    if (!project) throw notFound("project");
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    return { project, raw, secret: webhookSecretOf(project, deps.secrets) };
  }

  async function refuse(
    request: FastifyRequest,
    project: { id: string; teamId: string },
    reason: string,
  ): Promise<never> {
    await recordAudit(deps.db, {
      actor: { type: "anonymous" },
      ip: request.ip,
      teamId: project.teamId,
      action: "hook.rejected",
      resource: { type: "project", id: project.id },
      result: "denied",
      details: { reason, path: request.routeOptions.url },
    });
    throw new AppError("unauthenticated", reason);
  }

  /** Queues the build unless this delivery was seen; both in one transaction. */
  function deliver(
    project: typeof projects.$inferSelect,
    delivery: {
      id: string;
      provider: string;
      branch: string;
      commitSha: string | null;
      trigger: "git" | "deploy-hook";
    },
  ) {
    const answer = deps.db.transaction(async (tx) => {
      const [seen] = await tx
        .insert(gitDeliveries)
        .values({ projectId: project.id, deliveryId: delivery.id, provider: delivery.provider })
        .onConflictDoNothing()
        .returning();
      if (!seen) return { status: "duplicate" as const, buildId: null, reason: "this delivery was already received" };
      const build = await queueBuild(
        tx,
        {
          project,
          actor: { type: "system" },
          trigger: delivery.trigger,
          branch: delivery.branch,
          commitSha: delivery.commitSha,
        },
        deps,
      );
      await tx.update(gitDeliveries).set({ buildId: build.id }).where(eq(gitDeliveries.deliveryId, delivery.id));
      return { status: "queued" as const, buildId: build.id, reason: null };
    });
    return answer.finally(() => deps.queue.wake());
  }

  app.register(async (scope) => {
    const hooks = scope.withTypeProvider<ZodTypeProvider>();
    // Signatures cover the exact bytes sent: keep the raw body.
    hooks.addContentTypeParser("application/json", { parseAs: "buffer" }, (_request, body, done) => done(null, body));

    hooks.post(
      "/api/v1/hooks/git/:projectId",
      {
        config: { access: "public", rateLimit: { max: 120, timeWindow: "1 minute" } },
        schema: {
          tags,
          summary: "Push webhook for GitHub, GitLab and Gitea; builds only while the project's auto-deploy is on",
          params: hookParams,
          response: { 200: hookAnswer, 202: hookAnswer },
        },
      },
      async (request, reply) => {
        const { project, raw, secret } = await hookRequest(request);
        const verdict = readPushWebhook(request.headers, raw, secret);
        if (verdict.kind === "rejected") return refuse(request, project, verdict.reason);
        if (verdict.kind === "ignored") return { status: "ignored" as const, buildId: null, reason: verdict.reason };
        const { event } = verdict;
        if (!event.branch) return { status: "ignored" as const, buildId: null, reason: "not a branch push" };
        if (event.isDeletion)
          return { status: "ignored" as const, buildId: null, reason: `branch ${event.branch} was deleted` };
        if (!project.gitUrl)
          return { status: "ignored" as const, buildId: null, reason: "the project has no git repository" };
        if (!preferencesOf(project).autoDeploy) {
          await recordAudit(deps.db, {
            actor: { type: "anonymous" },
            ip: request.ip,
            teamId: project.teamId,
            action: "hook.skipped",
            resource: { type: "project", id: project.id },
            result: "success",
            details: {
              reason: autoDeployOff,
              provider: event.provider,
              deliveryId: event.deliveryId,
              branch: event.branch,
              commitSha: event.commitSha,
            },
          });
          return reply
            .status(202)
            .send({ status: "skipped" as const, buildId: null, reason: autoDeployOff, skipped: autoDeployOff });
        }
        const answer = await deliver(project, {
          id: `${event.provider}:${event.deliveryId}`,
          provider: event.provider,
          branch: event.branch,
          commitSha: event.commitSha,
          trigger: "git",
        });
        return reply.status(answer.status === "queued" ? 202 : 200).send(answer);
      },
    );

    hooks.post(
      "/api/v1/hooks/deploy/:projectId",
      {
        config: { access: "public", rateLimit: { max: 60, timeWindow: "1 minute" } },
        schema: {
          tags,
          summary:
            "Deploy hook: build a branch (auto-deploy or not); signed with X-Slipway-Timestamp and X-Slipway-Signature",
          params: hookParams,
          response: { 200: hookAnswer, 202: hookAnswer },
        },
      },
      async (request, reply) => {
        const { project, raw, secret } = await hookRequest(request);
        const problem = verifyDeployHook(request.headers, raw, secret);
        if (problem) return refuse(request, project, problem);
        const parsed = z
          .object({ branch: z.string().min(1).max(255).optional() })
          .safeParse(raw.length ? JSON.parse(raw.toString("utf8")) : {});
        if (!parsed.success) throw new AppError("validation_failed", 'body: expected {"branch"?: string}');
        const answer = await deliver(project, {
          id: `deploy-hook:${request.headers["x-slipway-signature"]}`,
          provider: "deploy-hook",
          branch: parsed.data.branch ?? project.productionBranch,
          commitSha: null,
          trigger: "deploy-hook",
        });
        return reply.status(answer.status === "queued" ? 202 : 200).send(answer);
      },
    );
  });
}
