import {
  mailMessageDetailSchema,
  mailMessageSchema,
  pageOf,
  pageQuerySchema,
  passwordCheckSchema,
  passwordVerdictSchema,
  runtimesSchema,
  setupStateSchema,
  systemInfoSchema,
} from "@slipway/contracts";
import { z } from "zod";
import type { Toolchains } from "../../engines/builder/toolchains.ts";
import type { Db } from "../../platform/db.ts";
import { notFound } from "../../platform/errors.ts";
import type { HttpApp } from "../../platform/http.ts";
import type { Mailer } from "../../platform/mailer.ts";
import { decodeCursor, toPage } from "../../platform/pagination.ts";
import { judgePassword } from "../auth/password-policy.ts";
import { instanceOwnerId } from "./system.service.ts";

type MailRow = Awaited<ReturnType<Mailer["list"]>>[number];
const toMail = (row: MailRow) => ({
  id: row.id,
  to: row.to,
  subject: row.subject,
  status: row.status as "held" | "sent" | "failed",
  error: row.error,
  createdAt: row.createdAt.toISOString(),
});

export function registerSystemRoutes(
  app: HttpApp,
  deps: {
    db: Db;
    runtimes: { nodeVersions(): Promise<string[]>; toolchains(): Promise<Toolchains> };
    mailer: Mailer;
    info: { version: string; store: "pglite" | "postgres"; startedAt: Date; edgeUrl: string };
  },
) {
  const tags = ["system"];

  app.get(
    "/api/v1/system/setup",
    {
      config: { access: "public" },
      schema: { tags, summary: "Whether the instance has an owner yet", response: { 200: setupStateSchema } },
    },
    async () => ({ hasOwner: (await instanceOwnerId(deps.db)) !== null, mailDelivery: deps.mailer.delivery }),
  );

  app.post(
    "/api/v1/system/password-check",
    {
      config: { access: "public", rateLimit: { max: 120, timeWindow: "1 minute" } },
      schema: {
        tags,
        summary: "How strong a password is, by the rule sign-up applies",
        body: passwordCheckSchema,
        response: { 200: passwordVerdictSchema },
      },
    },
    async (request) => judgePassword(request.body.password, request.body.email ? [request.body.email] : []),
  );

  app.get(
    "/api/v1/system/runtimes",
    {
      config: { access: "signed-in" },
      schema: {
        tags,
        summary: "The Node versions builds can choose from, and the Python, Go and Ruby installed here",
        response: { 200: runtimesSchema },
      },
    },
    async () => {
      const [versions, tools] = await Promise.all([deps.runtimes.nodeVersions(), deps.runtimes.toolchains()]);
      const ofVersion = (version: string | null) => (version ? { version } : null);
      return {
        node: { versions, default: versions[0] ?? process.versions.node.split(".")[0] ?? "20" },
        python: ofVersion(tools.python),
        go: ofVersion(tools.go),
        ruby: ofVersion(tools.ruby),
      };
    },
  );

  app.get(
    "/api/v1/system",
    {
      config: { access: "signed-in" },
      schema: { tags, summary: "About this instance", response: { 200: systemInfoSchema } },
    },
    async () => ({
      version: deps.info.version,
      store: deps.info.store,
      startedAt: deps.info.startedAt.toISOString(),
      edgeUrl: deps.info.edgeUrl,
      mailDelivery: deps.mailer.delivery,
    }),
  );

  app.get(
    "/api/v1/system/mail",
    {
      config: { access: "instance-owner" },
      schema: {
        tags,
        summary: "The instance's outgoing mail",
        querystring: pageQuerySchema,
        response: { 200: pageOf(mailMessageSchema) },
      },
    },
    async (request) => {
      const rows = await deps.mailer.list({ limit: request.query.limit, cursor: decodeCursor(request.query.cursor) });
      return toPage(rows, request.query.limit, toMail);
    },
  );

  app.get(
    "/api/v1/system/mail/:mailId",
    {
      config: { access: "instance-owner" },
      schema: {
        tags,
        summary: "One message with its body",
        params: z.strictObject({ mailId: z.string().max(64) }),
        response: { 200: mailMessageDetailSchema },
      },
    },
    async (request) => {
      const row = await deps.mailer.read(request.params.mailId);
      if (!row) throw notFound("message");
      return { ...toMail(row), text: row.text };
    },
  );
}
