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
}
