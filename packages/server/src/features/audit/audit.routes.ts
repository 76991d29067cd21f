import { auditEntrySchema, auditQuerySchema, pageOf } from "@slipway/contracts";
import { z } from "zod";
import type { Db } from "../../platform/db.ts";
import type { HttpApp } from "../../platform/http.ts";
import { teamOf } from "../../platform/route-context.ts";
import { listAuditEntries } from "./audit.service.ts";

export function registerAuditRoutes(app: HttpApp, deps: { db: Db }) {
  app.get(
    "/api/v1/teams/:teamId/audit",
    {
      config: { access: { team: "audit:read" } },
      schema: {
        tags: ["audit"],
        summary: "The team's audit log, newest first",
        params: z.strictObject({ teamId: z.string().max(64) }),
        querystring: auditQuerySchema,
        response: { 200: pageOf(auditEntrySchema) },
      },
    },
    async (request) => listAuditEntries({ teamId: teamOf(request).teamId, query: request.query }, deps.db),
  );

  app.get(
    "/api/v1/system/audit",
    {
      config: { access: "instance-owner" },
      schema: {
        tags: ["audit"],
        summary: "The instance's own audit log: sign-ups, sign-ins, sign-outs and password changes",
        querystring: auditQuerySchema,
        response: { 200: pageOf(auditEntrySchema) },
      },
    },
    async (request) => listAuditEntries({ teamId: null, query: request.query }, deps.db),
  );
}
