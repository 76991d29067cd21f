import { z } from "zod";
import { teamSchema } from "./teams.ts";

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  isInstanceOwner: z.boolean(),
  createdAt: z.iso.datetime(),
});
export type User = z.infer<typeof userSchema>;

export const meSchema = z.object({
  user: userSchema,
  teams: z.array(teamSchema),
  /** Set when the caller is an API token: the one team it acts in. */
  token: z.object({ id: z.string(), name: z.string(), teamId: z.string() }).nullable(),
});
export type Me = z.infer<typeof meSchema>;

export const updateProfileSchema = z.strictObject({ name: z.string().trim().min(1).max(80) });

/** What the sign-up form enforces; the server checks the same and also refuses common passwords. */
export const passwordSchema = z.string().min(10, "use at least 10 characters").max(128, "use at most 128 characters");

export const setupStateSchema = z.object({
  /** False until the first account exists; that account becomes the instance owner. */
  hasOwner: z.boolean(),
  /** Whether mail leaves over SMTP or stays in the instance outbox. */
  mailDelivery: z.enum(["smtp", "outbox"]),
});
export type SetupState = z.infer<typeof setupStateSchema>;

export const passwordCheckSchema = z.strictObject({
  password: z.string().max(128),
  email: z.string().max(254).optional(),
});
export const passwordVerdictSchema = z.object({
  isAcceptable: z.boolean(),
  /** 0 (guessed at once) to 4 (very strong). */
  score: z.number().int().min(0).max(4),
  warning: z.string().nullable(),
});
export type PasswordVerdict = z.infer<typeof passwordVerdictSchema>;

export const accountSessionSchema = z.object({
  id: z.string(),
  ipAddress: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  /** The session this request came with. */
  isCurrent: z.boolean(),
});
export type AccountSession = z.infer<typeof accountSessionSchema>;
