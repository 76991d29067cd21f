import {
  createFunctionSchema,
  deployFunctionSchema,
  functionEnvKeySchema,
  functionEnvVarSchema,
  functionSchema,
  functionSourceSchema,
  functionVersionSchema,
  rollbackFunctionSchema,
  setFunctionEnvVarSchema,
  updateFunctionSchema,
} from "@slipway/contracts";
import type { FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { HttpApp } from "../../platform/http.ts";
import { contextOf, teamOf } from "../../platform/route-context.ts";
import { archiveContentTypes, isArchiveType, receiveUpload } from "../builds/build-upload.ts";
import { teamParams } from "../projects/projects.routes.ts";
import {
  createFunction,
  type DeployDeps,
  deployFunctionVersion,
  listVersions,
  readVersionSource,
  rollbackFunction,
} from "./function-deploy.ts";
import {
  deleteFunction,
  deleteFunctionEnvVar,
  getFunction,
  listFunctionEnv,
  listFunctions,
  setFunctionEnvVar,
  updateFunction,
} from "./functions.service.ts";

export const functionParams = teamParams.extend({ functionId: z.string().max(64) });
const versionParams = functionParams.extend({ versionId: z.string().max(64) });
const envParams = functionParams.extend({ key: functionEnvKeySchema });
export const functionTags = ["functions"];
const base = "/api/v1/teams/:teamId/functions/:functionId";

/** A packaging failure: the compiler's message, and the failed version as recorded. */
const deployFailedSchema = z.object({
  error: z.object({ code: z.literal("deploy_failed"), message: z.string(), requestId: z.string() }),
  version: functionVersionSchema,
});

export type FunctionsRouteDeps = DeployDeps & { uploadsDir: string; uploadLimitBytes: number };

const scopeOf = (request: FastifyRequest) => ({ ctx: contextOf(request), access: teamOf(request) });

export function registerFunctionRoutes(app: HttpApp, deps: FunctionsRouteDeps) {
  app.get(
    "/api/v1/teams/:teamId/functions",
    {
      config: { access: { team: "projects:read" } },
      schema: {
        tags: functionTags,
        summary: "The team's functions (or one project's), with invocations and error rate over 24 hours",
        params: teamParams,
        querystring: z.strictObject({ projectId: z.string().max(64).optional() }),
        response: { 200: z.object({ items: z.array(functionSchema) }) },
      },
    },
    async (request) => ({
      items: await listFunctions({ teamId: teamOf(request).teamId, projectId: request.query.projectId }, deps),
    }),
  );

  app.post(
    "/api/v1/teams/:teamId/projects/:projectId/functions",
    {
      config: { access: { team: "functions:manage" } },
      bodyLimit: 16 * 1024 * 1024,
      schema: {
        tags: functionTags,
        summary: "Create a function and deploy its files (or the runtime's template) as version 1",
        params: teamParams.extend({ projectId: z.string().max(64) }),
        body: createFunctionSchema,
        response: { 201: z.object({ function: functionSchema, version: functionVersionSchema }) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await createFunction({ ...scopeOf(request), projectId: request.params.projectId, input: request.body }, deps),
        ),
  );

  app.get(
    base,
    {
      config: { access: { team: "projects:read" } },
      schema: { tags: functionTags, summary: "A function", params: functionParams, response: { 200: functionSchema } },
    },
    async (request) => getFunction(teamOf(request).teamId, request.params.functionId, deps),
  );

  app.patch(
    base,
    {
      config: { access: { team: "functions:manage" } },
      schema: {
        tags: functionTags,
        summary: "Change a function's entry or settings (limits apply to the next invocations)",
        params: functionParams,
        body: updateFunctionSchema,
        response: { 200: functionSchema },
      },
    },
    async (request) =>
      updateFunction({ ...scopeOf(request), functionId: request.params.functionId, input: request.body }, deps),
  );

  app.delete(
    base,
    {
      config: { access: { team: "functions:manage" } },
      schema: {
        tags: functionTags,
        summary: "Delete a function, its versions and its invocations",
        params: functionParams,
      },
    },
    async (request, reply) => {
      await deleteFunction({ ...scopeOf(request), functionId: request.params.functionId }, deps);
      return reply.status(204).send();
    },
  );

  app.get(
    `${base}/versions`,
    {
      config: { access: { team: "projects:read" } },
      schema: {
        tags: functionTags,
        summary: "A function's versions, newest first",
        params: functionParams,
        response: { 200: z.object({ items: z.array(functionVersionSchema) }) },
      },
    },
    async (request) => ({ items: await listVersions(teamOf(request).teamId, request.params.functionId, deps.db) }),
  );

  app.register(async (scope) => {
    const uploads = scope.withTypeProvider<ZodTypeProvider>();
    // A .tar.gz of the folder is streamed to disk as is; JSON goes through the usual parser.
    uploads.addContentTypeParser(archiveContentTypes, (_request, payload, done) => done(null, payload));
    uploads.post(
      `${base}/versions`,
      {
        config: { access: { team: "functions:manage" } },
        bodyLimit: deps.uploadLimitBytes,
        // An archive is no JSON document: the handler decides whether the body's validation counts.
        attachValidation: true,
        schema: {
          tags: functionTags,
          summary: "Deploy a new version from files (JSON) or a .tar.gz of the folder (?entry= for its entry)",
          params: functionParams,
          querystring: z.strictObject({ entry: deployFunctionSchema.shape.entry }),
          body: deployFunctionSchema,
          response: { 201: functionVersionSchema, 422: deployFailedSchema },
        },
      },
      async (request, reply) => {
        const isArchive = isArchiveType(request.headers["content-type"]);
        if (request.validationError && !(isArchive && request.validationError.validationContext === "body"))
          throw request.validationError;
        const source = isArchive
          ? {
              archivePath: await receiveUpload(request.body as unknown as NodeJS.ReadableStream, {
                uploadsDir: deps.uploadsDir,
                limitBytes: deps.uploadLimitBytes,
              }),
            }
          : { files: request.body.files };
        const entry = isArchive ? request.query.entry : (request.body.entry ?? request.query.entry);
        const { version, isReady } = await deployFunctionVersion(
          { ...scopeOf(request), functionId: request.params.functionId, source, entry },
          deps,
        );
        if (isReady) return reply.status(201).send(version);
        return reply.status(422).send({
          error: {
            code: "deploy_failed" as const,
            message: version.error ?? "the deploy failed",
            requestId: request.id,
          },
          version,
        });
      },
    );
  });

  app.get(
    `${base}/versions/:versionId/source`,
    {
      config: { access: { team: "projects:read" } },
      schema: {
        tags: functionTags,
        summary: "A version's files as text, for the editor (dependencies and binaries left out)",
        params: versionParams,
        response: { 200: functionSourceSchema },
      },
    },
    async (request) =>
      readVersionSource(teamOf(request).teamId, request.params.functionId, request.params.versionId, deps),
  );

  app.post(
    `${base}/rollback`,
    {
      config: { access: { team: "functions:manage" } },
      schema: {
        tags: functionTags,
        summary: "Point production at an earlier (or later) ready version, at once",
        params: functionParams,
        body: rollbackFunctionSchema,
        response: { 200: functionSchema },
      },
    },
    async (request) =>
      rollbackFunction(
        { ...scopeOf(request), functionId: request.params.functionId, versionId: request.body.versionId },
        deps,
      ),
  );

  app.get(
    `${base}/env`,
    {
      config: { access: { team: "env:read" } },
      schema: {
        tags: functionTags,
        summary: "The function's own env vars (sensitive values are never read back)",
        params: functionParams,
        response: { 200: z.object({ items: z.array(functionEnvVarSchema) }) },
      },
    },
    async (request) => ({ items: await listFunctionEnv(teamOf(request).teamId, request.params.functionId, deps) }),
  );

  app.put(
    `${base}/env/:key`,
    {
      config: { access: { team: "env:write" } },
      schema: {
        tags: functionTags,
        summary: "Set one of the function's env vars (from its next deploy on)",
        params: envParams,
        body: setFunctionEnvVarSchema,
        response: { 200: functionEnvVarSchema },
      },
    },
    async (request) =>
      setFunctionEnvVar(
        {
          ...scopeOf(request),
          functionId: request.params.functionId,
          key: request.params.key,
          value: request.body.value,
          isSensitive: request.body.isSensitive,
        },
        deps,
      ),
  );

  app.delete(
    `${base}/env/:key`,
    {
      config: { access: { team: "env:write" } },
      schema: { tags: functionTags, summary: "Remove one of the function's env vars", params: envParams },
    },
    async (request, reply) => {
      await deleteFunctionEnvVar(
        { ...scopeOf(request), functionId: request.params.functionId, key: request.params.key },
        deps,
      );
      return reply.status(204).send();
    },
  );
}
