import { scaleDeploymentSchema } from "@slipway/contracts";
import { RotateCw } from "lucide-react";
import { useId } from "react";
import { toast } from "sonner";
import { ConfirmDialog } from "../../../components/confirm-dialog";
import { Button } from "../../../components/ui/button";
import { Input } from "../../../components/ui/input";
import { Label } from "../../../components/ui/label";
import { useRestartDeployment, useScaleDeployment } from "../../../data/apps";
import { toastError, withToasts } from "../../../lib/toast";
import { useZodForm } from "../../../lib/use-zod-form";

/**
 * Sets how many instances run now. It starts from the count when the deployment was picked and
 * keeps what the user typed while the count refreshes underneath.
 */
export function ScaleControl({
  teamId,
  deploymentId,
  current,
  maxInstances,
}: {
  teamId: string;
  deploymentId: string;
  current: number;
  /** The project's maximum: the platform brings any higher count back down to it. */
  maxInstances: number;
}) {
  const id = useId();
  const scale = useScaleDeployment(teamId, deploymentId);
  const form = useZodForm({
    schema: scaleDeploymentSchema.extend({
      instances: scaleDeploymentSchema.shape.instances.max(
        maxInstances,
        `At most ${maxInstances}, the project's maximum; raise it under Settings → Resources & scaling`,
      ),
    }),
    initial: { instances: String(current) },
    prepare: (values) => ({ instances: values.instances.trim() === "" ? undefined : Number(values.instances) }),
  });
  const submit = form.handleSubmit(({ instances }) =>
    scale.mutate(instances, {
      onSuccess: () =>
        toast.success(
          instances === 0 ? "Scaled to zero" : `Scaling to ${instances} instance${instances === 1 ? "" : "s"}`,
        ),
      onError: toastError("Couldn't scale"),
    }),
  );
  const field = form.bind("instances");
  return (
    <form onSubmit={submit} noValidate className="grid gap-1">
      <Label htmlFor={id} className="text-muted-foreground text-xs">
        Scale to
      </Label>
      <div className="flex gap-2">
        <Input
          id={id}
          type="number"
          inputMode="numeric"
          min={0}
          max={maxInstances}
          step={1}
          className="h-8 w-20 tabular-nums"
          aria-invalid={Boolean(field.error)}
          aria-describedby={field.error ? `${id}-error` : undefined}
          value={field.value}
          onChange={(event) => field.onChange(event.target.value)}
        />
        <Button type="submit" variant="outline" size="sm" isLoading={scale.isPending}>
          Apply
        </Button>
      </div>
      {field.error ? (
        <p id={`${id}-error`} className="max-w-64 text-destructive text-xs">
          {field.error}
        </p>
      ) : null}
    </form>
  );
}

/** A rolling restart: no request is dropped, so it only asks once. */
export function RestartButton({ teamId, deploymentId }: { teamId: string; deploymentId: string }) {
  const restart = useRestartDeployment(teamId, deploymentId);
  return (
    <ConfirmDialog
      trigger={
        <Button variant="outline" size="sm">
          <RotateCw />
          Restart
        </Button>
      }
      title="Restart every instance?"
      description="They are replaced one at a time: each new instance answers its health check before an old one stops, so visitors see no downtime. Instances pick up changed resource settings."
      confirmLabel="Restart"
      onConfirm={() =>
        withToasts(restart.mutateAsync(undefined), {
          success: "Restarted every instance",
          error: "Couldn't restart",
        })
      }
    />
  );
}
