import { z } from "zod";
import { permissionSchema } from "./permissions.ts";

/** Tokens look like `slw_` + 30 random base62 characters + a 6-character CRC32 checksum. */
export const tokenPrefix = "slw_";
export const tokenPattern = /^slw_[0-9A-Za-z]{36}$/;

export const apiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** First characters of the token, enough to recognise it, never enough to use it. */
  start: z.string(),
  scopes: z.array(permissionSchema),
  createdBy: z.object({ userId: z.string(), email: z.string() }),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});
export type ApiToken = z.infer<typeof apiTokenSchema>;

export const createTokenSchema = z.strictObject({
  name: z.string().trim().min(1, "a name is required").max(64),
  scopes: z.array(permissionSchema).min(1, "choose at least one scope").max(64),
  /** Days until the token expires; null for a token that never expires. */
  expiresInDays: z.number().int().min(1).max(3650).nullable(),
});
export type CreateTokenInput = z.infer<typeof createTokenSchema>;

export const createdTokenSchema = z.object({
  token: apiTokenSchema,
  /** The secret, shown this once and never again. */
  secret: z.string(),
});
export type CreatedToken = z.infer<typeof createdTokenSchema>;
