import { randomUUID } from "node:crypto";
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import { type ErrorBody, type ErrorCode, errorCodes } from "@slipway/contracts";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import type { Actor, RouteAccess, TeamAccess } from "./access.ts";
import { describeAccess } from "./access.ts";
import { AppError } from "./errors.ts";
import type { Logger } from "./logger.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    actor: Actor;
    team: TeamAccess | null;
  }
  interface FastifyInstance {
    /** Every /api/v1 route with the access it declared; the access matrix test walks it. */
    declaredRoutes: DeclaredRoute[];
  }
}

export type DeclaredRoute = { method: string; url: string; access: RouteAccess };

export type HttpApp = FastifyInstance<
  import("node:http").Server,
  import("node:http").IncomingMessage,
  import("node:http").ServerResponse,
  Logger,
  ZodTypeProvider
>;

/** How the kernel learns who is calling and what they may do; the features provide it. */
export type AccessResolver = {
  authenticate(request: FastifyRequest): Promise<Actor>;
  teamAccess(actor: Exclude<Actor, { type: "anonymous" }>, teamId: string): Promise<TeamAccess | null>;
  isInstanceOwner(userId: string): Promise<boolean>;
  recordDenied(request: FastifyRequest, reason: string): Promise<void>;
};

export function sendError(reply: FastifyReply, code: ErrorCode, message: string, details?: unknown): FastifyReply {
  const body: ErrorBody = {
    error: { code, message, requestId: reply.request.id, ...(details === undefined ? {} : { details }) },
  };
  return reply.status(errorCodes[code]).send(body);
}

export async function createHttpApp(options: {
  logger: Logger;
  access: AccessResolver;
  apiRateLimit: number;
  version: string;
  isHttps: boolean;
}): Promise<HttpApp> {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: 1024 * 1024,
    genReqId: () => `req_${randomUUID().replaceAll("-", "").slice(0, 20)}`,
    requestIdHeader: false,
    trustProxy: false,
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(helmet, {
    // Self-hosted instances often run on plain http; HSTS and upgrades belong to an https public URL.
    hsts: options.isHttps,
    // The dashboard is a same-origin SPA; inline styles come from Radix positioning.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:"],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
        upgradeInsecureRequests: options.isHttps ? [] : null,
      },
    },
  });
  await app.register(rateLimit, {
    max: options.apiRateLimit,
    timeWindow: "1 minute",
    errorResponseBuilder: (_request, context) => {
      const err = new AppError("rate_limited", `too many requests; try again in ${Math.ceil(context.ttl / 1000)}s`);
      return Object.assign(err, { statusCode: 429 });
    },
  });
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: { title: "Slipway API", version: options.version },
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer", description: "An API token (slw_…)" },
          session: { type: "apiKey", in: "cookie", name: "slipway.session_token" },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });

  app.decorateRequest("actor", null as never);
  app.decorateRequest("team", null);

  app.decorate("declaredRoutes", [] as DeclaredRoute[]);
  // A route that forgets to say who may call it is a bug; refuse to start with it.
  app.addHook("onRoute", (route) => {
    const url = route.url;
    if (!url.startsWith("/api/v1")) return;
    const access = route.config?.access;
    if (!access) throw new Error(`route ${route.method} ${url} declares no access`);
    for (const method of [route.method].flat()) {
      if (method !== "HEAD") app.declaredRoutes.push({ method, url, access });
    }
  });

  app.addHook("preValidation", async (request, reply) => {
    const access = request.routeOptions.config.access;
    if (!access) return;
    if (access === "public") {
      request.actor = { type: "anonymous" };
      return;
    }
    request.actor = await options.access.authenticate(request);
    const actor = request.actor;
    if (actor.type === "anonymous") {
      return request.headers.authorization
        ? sendError(reply, "unauthenticated", "the API token is invalid, expired or revoked")
        : sendError(reply, "unauthenticated", "sign in or send an API token");
    }
    if (access === "signed-in") return;
    if (access === "session") {
      if (actor.type === "token") {
        await options.access.recordDenied(request, "requires a signed-in session");
        return sendError(reply, "forbidden", "an API token cannot do this; sign in instead");
      }
      return;
    }
    if (access === "instance-owner") {
      if (actor.type === "token" || !(await options.access.isInstanceOwner(actor.userId))) {
        await options.access.recordDenied(request, "requires the instance owner");
        return sendError(reply, "forbidden", "only the instance owner can do this");
      }
      return;
    }
    const teamId = (request.params as { teamId?: unknown }).teamId;
    const team = typeof teamId === "string" ? await options.access.teamAccess(actor, teamId) : null;
    // Not a member (or a token of another team): the team does not exist as far as they know.
    if (!team) return sendError(reply, "not_found", "team not found");
    if (!team.permissions.has(access.team)) {
      await options.access.recordDenied(request, `missing permission ${access.team}`);
      return sendError(reply, "forbidden", `you need the ${access.team} permission`, { permission: access.team });
    }
    request.team = team;
  });

  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) return sendError(reply, error.code, error.message, error.details);
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map((v) => ({
        path: `${error.validationContext ?? ""}${v.instancePath}`,
        message: v.message ?? "invalid",
      }));
      const first = issues[0];
      return sendError(
        reply,
        "validation_failed",
        first ? `${first.path || "request"}: ${first.message}` : "invalid request",
        {
          issues,
        },
      );
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error }, "response did not match its schema");
      return sendError(reply, "internal", "internal error");
    }
    const status = error.statusCode ?? 500;
    if (status === 413) return sendError(reply, "payload_too_large", "request body is too large");
    if (status === 415) return sendError(reply, "unsupported_media_type", error.message);
    if (status === 429) return sendError(reply, "rate_limited", error.message);
    if (status >= 400 && status < 500) return sendError(reply, "bad_request", error.message);
    request.log.error({ err: error, route: request.routeOptions.url }, "request failed");
    return sendError(reply, "internal", "internal error");
  });

  app.addHook("onResponse", async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        url: request.routeOptions.url ?? request.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      "request",
    );
  });

  return app;
}

export { describeAccess };
