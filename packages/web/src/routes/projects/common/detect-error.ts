import { z } from "zod";
import { ApiError } from "../../../lib/api";

/** Detection failures say why in `details.reason` (see BuildFailure on the server). */
const detectFailureSchema = z.object({ reason: z.string() });

type GitField = "url" | "branch" | "rootDir";

const fieldOfReason: Record<string, GitField> = {
  source_unreachable: "url",
  ref_not_found: "branch",
  root_dir_missing: "rootDir",
};

/**
 * Puts a failed detection (or a create, which detects again) on the git field at fault: an
 * unreachable repository on the URL, a missing branch on the branch. False when the error is
 * about something else, for the caller to show.
 */
export function showDetectError(form: { setError: (key: GitField, message: string) => void }, error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  const details = detectFailureSchema.safeParse(error.details);
  const field = details.success ? fieldOfReason[details.data.reason] : undefined;
  if (field) form.setError(field, error.message);
  return field !== undefined;
}
