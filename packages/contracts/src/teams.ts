import { z } from "zod";
import { permissionSchema, roleSchema } from "./permissions.ts";

export const teamSlugSchema = z
  .string()
  .min(2)
  .max(48)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "lowercase letters, digits and dashes; no dash at either end");

export const teamNameSchema = z.string().trim().min(1, "a name is required").max(64);

export const teamSchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  isPersonal: z.boolean(),
  role: roleSchema,
  permissions: z.array(permissionSchema),
  memberCount: z.number().int(),
  createdAt: z.iso.datetime(),
});
export type Team = z.infer<typeof teamSchema>;

export const createTeamSchema = z.strictObject({
  name: teamNameSchema,
  slug: teamSlugSchema.optional(),
});
export type CreateTeamInput = z.infer<typeof createTeamSchema>;

export const updateTeamSchema = z
  .strictObject({ name: teamNameSchema.optional(), slug: teamSlugSchema.optional() })
  .refine((v) => v.name !== undefined || v.slug !== undefined, "nothing to change");
export type UpdateTeamInput = z.infer<typeof updateTeamSchema>;

export const memberSchema = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  joinedAt: z.iso.datetime(),
});
export type Member = z.infer<typeof memberSchema>;

export const addMemberSchema = z.strictObject({
  email: z.email().max(254),
  role: roleSchema,
});
export type AddMemberInput = z.infer<typeof addMemberSchema>;

export const updateMemberSchema = z.strictObject({ role: roleSchema });
