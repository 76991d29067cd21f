import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { createAttemptLimiter } from "../../platform/attempt-limiter.ts";
import { recordAudit } from "../../platform/audit.ts";
import type { Db } from "../../platform/db.ts";
import { type HttpApp, sendError } from "../../platform/http.ts";
import { type Auth, clientIpHeader } from "./auth.ts";

const signInBody = z.object({ email: z.string().max(254) }).loose();

/**
 * Mounts better-auth at /api/auth. Sign-in is limited per IP (all attempts) and per account
 * (failed attempts), and every sign-in, failed or not, lands in the audit log.
 */
export function registerAuthRoutes(
  app: HttpApp,
  deps: { auth: Auth; db: Db; signInLimits: { perIp: number; perAccount: number; windowSeconds: number } },
) {
  const windowMs = deps.signInLimits.windowSeconds * 1000;
  const perIp = createAttemptLimiter({ limit: deps.signInLimits.perIp, windowMs });
  const perAccount = createAttemptLimiter({ limit: deps.signInLimits.perAccount, windowMs });

  async function forward(request: FastifyRequest, reply: FastifyReply) {
    const headers = new Headers();
    for (const [key, value] of Object.entries(request.headers)) {
      if (value === undefined || key === clientIpHeader) continue;
      if (Array.isArray(value)) for (const v of value) headers.append(key, v);
      else headers.set(key, value);
    }
    headers.set(clientIpHeader, request.ip);
    const hasBody = request.method !== "GET" && request.method !== "HEAD" && request.body !== undefined;
    const response = await deps.auth.handler(
      new Request(new URL(request.url, `http://${request.headers.host ?? "localhost"}`), {
        method: request.method,
        headers,
        ...(hasBody ? { body: JSON.stringify(request.body) } : {}),
      }),
    );
    reply.status(response.status);
    for (const [key, value] of response.headers) {
      if (key === "set-cookie") continue;
      reply.header(key, value);
    }
    const cookies = response.headers.getSetCookie();
    if (cookies.length > 0) reply.header("set-cookie", cookies);
    return { status: response.status, body: await response.text() };
  }

  app.route({
    method: ["GET", "POST"],
    url: "/api/auth/*",
    schema: { hide: true },
    handler: async (request, reply) => {
      const isSignIn = request.url.split("?")[0] === "/api/auth/sign-in/email" && request.method === "POST";
      if (!isSignIn) {
        const { body } = await forward(request, reply);
        return reply.send(body);
      }
      const parsed = signInBody.safeParse(request.body);
      const account = parsed.success ? parsed.data.email.trim().toLowerCase() : "";
      const wait = Math.max(perIp.retryAfter(request.ip), account ? perAccount.retryAfter(account) : 0);
      if (wait > 0) {
        reply.header("retry-after", String(wait));
        await recordAudit(deps.db, {
          actor: { type: "anonymous" },
          ip: request.ip,
          teamId: null,
          action: "auth.sign_in",
          resource: { type: "account", id: account || null },
          result: "denied",
          details: { reason: "rate limited" },
        });
        return sendError(reply, "rate_limited", `too many sign-in attempts; try again in ${wait}s`, {
          retryAfter: wait,
        });
      }
      perIp.hit(request.ip);
      const { status, body } = await forward(request, reply);
      const isSuccess = status >= 200 && status < 300;
      if (account) {
        if (isSuccess) perAccount.reset(account);
        else perAccount.hit(account);
      }
      await recordAudit(deps.db, {
        actor: { type: "anonymous" },
        ip: request.ip,
        teamId: null,
        action: "auth.sign_in",
        resource: { type: "account", id: account || null },
        result: isSuccess ? "success" : "failure",
      });
      return reply.send(body);
    },
  });
}
