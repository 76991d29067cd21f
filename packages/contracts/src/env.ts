import { z } from "zod";

export const envTargets = ["production", "preview", "development"] as const;
export const envTargetSchema = z.enum(envTargets);

export const envKeySchema = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "letters, digits and underscores, not starting with a digit")
  .refine((k) => !/^SLIPWAY_/i.test(k) && k !== "PORT", "PORT and SLIPWAY_* are set by Slipway");

export const envVarSchema = z.object({
  id: z.string(),
  key: z.string(),
  /** Null for a sensitive variable: written, never read back. */
  value: z.string().nullable(),
  isSensitive: z.boolean(),
  targets: z.array(envTargetSchema),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type EnvVar = z.infer<typeof envVarSchema>;

export const createEnvVarSchema = z.strictObject({
  key: envKeySchema,
  value: z.string().max(65536),
  isSensitive: z.boolean().default(false),
  targets: z.array(envTargetSchema).min(1).max(3),
});
export type CreateEnvVarInput = z.infer<typeof createEnvVarSchema>;

export const updateEnvVarSchema = z
  .strictObject({
    value: z.string().max(65536).optional(),
    targets: z.array(envTargetSchema).min(1).max(3).optional(),
    /** Only ever turned on: a sensitive value cannot be made readable again. */
    isSensitive: z.literal(true).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, "nothing to change");
