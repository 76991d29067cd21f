import { z } from "zod";

export const auditResults = ["success", "denied", "failure"] as const;

export const auditEntrySchema = z.object({
  id: z.string(),
  teamId: z.string().nullable(),
  actor: z.object({
    type: z.enum(["user", "token", "anonymous", "system"]),
    id: z.string().nullable(),
    label: z.string().nullable(),
  }),
  action: z.string(),
  resource: z.object({ type: z.string(), id: z.string().nullable() }),
  result: z.enum(auditResults),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
  createdAt: z.iso.datetime(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
  actor: z.string().max(200).optional(),
  action: z.string().max(100).optional(),
  result: z.enum(auditResults).optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;
