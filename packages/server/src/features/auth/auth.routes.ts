import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Actor } from "../../platform/access.ts";
import { createAttemptLimiter } from "../../platform/attempt-limiter.ts";
import { recordAudit } from "../../platform/audit.ts";
import type { Db } from "../../platform/db.ts";
import { type HttpApp, sendError } from "../../platform/http.ts";
import { type Auth, clientIpHeader } from "./auth.ts";

const emailBody = z.object({ email: z.string().max(254).optional() }).loose();

/**
 * Mounts better-auth at /api/auth. Sign-in is limited per IP (all attempts) and per account
 * (failed attempts), and every POST (sign-up, sign-in, sign-out, password changes), whatever
 * its outcome, lands in the audit log.
 */
export function registerAuthRoutes(
  app: HttpApp,
  deps: {
    auth: Auth;
    db: Db;
    authenticate: (request: FastifyRequest) => Promise<Actor>;
    signInLimits: { perIp: number; perAccount: number; windowSeconds: number };
  },
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
      const path = (request.url.split("?")[0] ?? "").slice("/api/auth/".length);
      // better-auth's list answers with every session's token; /api/v1/me/sessions does not.
      if (path === "list-sessions") return sendError(reply, "not_found", "use GET /api/v1/me/sessions");
      if (request.method !== "POST") return reply.send((await forward(request, reply)).body);

      const isSignIn = path === "sign-in/email";
      const parsed = emailBody.safeParse(request.body);
      const email = parsed.success && parsed.data.email ? parsed.data.email.trim().toLowerCase() : null;
      // Who was signed in before the call: sign-out and password changes name them.
      const before = isSignIn ? ({ type: "anonymous" } as const) : await deps.authenticate(request);
      const audit = (result: "success" | "failure" | "denied", details?: Record<string, unknown>) =>
        recordAudit(deps.db, {
          actor: before,
          ip: request.ip,
          teamId: null,
          action: `auth.${path.replace(/[/-]/g, "_")}`,
          resource: { type: "account", id: before.type === "anonymous" ? email : before.userId },
          result,
          ...(details ? { details } : {}),
        });

      if (isSignIn) {
        const wait = Math.max(perIp.retryAfter(request.ip), email ? perAccount.retryAfter(email) : 0);
        if (wait > 0) {
          reply.header("retry-after", String(wait));
          await audit("denied", { reason: "rate limited" });
          return sendError(reply, "rate_limited", `too many sign-in attempts; try again in ${wait}s`, {
            retryAfter: wait,
          });
        }
        perIp.hit(request.ip);
      }
      const { status, body } = await forward(request, reply);
      const isSuccess = status >= 200 && status < 400;
      if (isSignIn && email) {
        if (isSuccess) perAccount.reset(email);
        else perAccount.hit(email);
      }
      await audit(isSuccess ? "success" : "failure");
      return reply.send(body);
    },
  });
}
