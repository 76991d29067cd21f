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

/** What this host can build and run with: each toolchain's version, or null when it is not installed. */
export const runtimesSchema = z.object({
  node: z.object({ versions: z.array(z.string()), default: z.string() }),
  python: z.object({ version: z.string() }).nullable(),
  go: z.object({ version: z.string() }).nullable(),
  ruby: z.object({ version: z.string() }).nullable(),
});
export type Runtimes = z.infer<typeof runtimesSchema>;
