import { invocationStatusSchema } from "@slipway/contracts";
import { z } from "zod";
import { invocationRanges } from "../../data/functions";

/** What the functions pages keep in their address (filters, the open item), so a view can be linked. */

export const functionListSearchSchema = z.object({
  projectId: z.string().max(64).optional().catch(undefined),
});
export type FunctionListSearch = z.infer<typeof functionListSearchSchema>;

/** The Code tab shows the production version unless another one is asked for (from the Versions tab). */
export const functionCodeSearchSchema = z.object({
  version: z.string().max(64).optional().catch(undefined),
});

export const invocationSearchSchema = z.object({
  /** The status filter; not `status`, which the builds pages' search holds with other values. */
  state: invocationStatusSchema.optional().catch(undefined),
  cold: z.enum(["cold", "warm"]).optional().catch(undefined),
  range: z.enum(invocationRanges).optional().catch(undefined),
  q: z.string().max(200).optional().catch(undefined),
  /** The invocation whose details are open. */
  invocation: z.string().max(64).optional().catch(undefined),
});
export type InvocationSearch = z.infer<typeof invocationSearchSchema>;

export const metricsSearchSchema = z.object({
  range: z.enum(["24h", "7d"]).optional().catch(undefined),
});
