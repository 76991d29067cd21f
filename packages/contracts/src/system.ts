import { z } from "zod";

export const mailMessageSchema = z.object({
  id: z.string(),
  to: z.string(),
  subject: z.string(),
  status: z.enum(["held", "sent", "failed"]),
  error: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type MailMessage = z.infer<typeof mailMessageSchema>;

export const mailMessageDetailSchema = mailMessageSchema.extend({ text: z.string() });
export type MailMessageDetail = z.infer<typeof mailMessageDetailSchema>;

export const systemInfoSchema = z.object({
  version: z.string(),
  store: z.enum(["pglite", "postgres"]),
  startedAt: z.iso.datetime(),
  edgeUrl: z.string(),
  mailDelivery: z.enum(["smtp", "outbox"]),
});
export type SystemInfo = z.infer<typeof systemInfoSchema>;
