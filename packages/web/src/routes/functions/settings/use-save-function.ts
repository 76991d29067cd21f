import type { ServerlessFunction, UpdateFunctionInput } from "@slipway/contracts";
import { toast } from "sonner";
import { useUpdateFunction } from "../../../data/functions";
import { errorMessage } from "../../../lib/api";
import { useCurrentTeam } from "../../teams/team-layout";

/** Saves part of the settings and says so; a validation failure goes back to the form's fields. */
export function useSaveFunction(fn: ServerlessFunction, what: string) {
  const { team, can } = useCurrentTeam();
  const update = useUpdateFunction(team.id, fn.id);
  return {
    canSave: can("functions:manage"),
    isSaving: update.isPending,
    // The promise, not mutate's callbacks: the saved settings remount the card (its key).
    save: (input: UpdateFunctionInput, form: { showServerError: (error: unknown) => void }) =>
      update.mutateAsync(input).then(
        () => toast.success(`Saved ${what}`),
        (error: unknown) => {
          form.showServerError(error);
          toast.error(`Couldn't save ${what}: ${errorMessage(error)}`);
        },
      ),
  };
}
