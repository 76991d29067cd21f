import { integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** One row. The first account to sign up claims ownership of the instance. */
export const instance = pgTable("instance", {
  id: integer("id").primaryKey().default(1),
  ownerUserId: text("owner_user_id"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const mailMessages = pgTable("mail_messages", {
  id: text("id").primaryKey(),
  to: text("to").notNull(),
  subject: text("subject").notNull(),
  /** The body, encrypted with the mail id as associated data: it may carry reset links. */
  textSealed: text("text_sealed").notNull(),
  status: text("status").notNull(),
  error: text("error"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
