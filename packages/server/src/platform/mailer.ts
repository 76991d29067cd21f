import { eq } from "drizzle-orm";
import nodemailer from "nodemailer";
import { mailMessages } from "../features/system/system.tables.ts";
import type { Db } from "./db.ts";
import { newId } from "./ids.ts";
import type { Logger } from "./logger.ts";
import { afterCursor, type Cursor, newestFirst } from "./pagination.ts";
import type { Secrets } from "./secrets.ts";

export type Mail = { to: string; subject: string; text: string };
export type Mailer = ReturnType<typeof createMailer>;

/**
 * Every message is kept (body sealed). With SMTP configured it is sent at once and marked
 * sent or failed; without, it is held in the outbox the instance owner reads.
 */
export function createMailer(deps: {
  db: Db;
  secrets: Secrets;
  logger: Logger;
  smtpUrl?: string | undefined;
  from: string;
}) {
  const transport = deps.smtpUrl ? nodemailer.createTransport(deps.smtpUrl) : null;

  async function send(mail: Mail): Promise<string> {
    const id = newId("mail");
    await deps.db.insert(mailMessages).values({
      id,
      to: mail.to,
      subject: mail.subject,
      textSealed: deps.secrets.seal(mail.text, `mail:${id}`),
      status: "held",
    });
    if (!transport) return id;
    try {
      await transport.sendMail({ from: deps.from, to: mail.to, subject: mail.subject, text: mail.text });
      await deps.db.update(mailMessages).set({ status: "sent" }).where(eq(mailMessages.id, id));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      deps.logger.error({ err: message, to: mail.to }, "mail delivery failed");
      await deps.db.update(mailMessages).set({ status: "failed", error: message }).where(eq(mailMessages.id, id));
    }
    return id;
  }

  async function list(options: { limit: number; cursor: Cursor | undefined }) {
    return deps.db
      .select()
      .from(mailMessages)
      .where(afterCursor(mailMessages, options.cursor))
      .orderBy(...newestFirst(mailMessages))
      .limit(options.limit + 1);
  }

  async function read(id: string) {
    const row = (await deps.db.select().from(mailMessages).where(eq(mailMessages.id, id)))[0];
    return row ? { ...row, text: deps.secrets.open(row.textSealed, `mail:${id}`) } : null;
  }

  return { send, list, read, delivery: transport ? ("smtp" as const) : ("outbox" as const) };
}
