import { createTriggerSchema, type ServerlessFunction } from "@slipway/contracts";
import { CalendarClock, Plus } from "lucide-react";
import { toast } from "sonner";
import { z } from "zod";
import { DialogForm, FormDialog } from "../../../components/form-dialog";
import { TextField } from "../../../components/form-field";
import { EmptyState } from "../../../components/states";
import { Button } from "../../../components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "../../../components/ui/table";
import { useCreateTrigger } from "../../../data/functions";
import { useZodForm } from "../../../lib/use-zod-form";
import { useCurrentTeam } from "../../teams/team-layout";
import { TriggerActions, TriggersCard, type TriggersQuery, When } from "./trigger-parts";

/** The cron branch of the contract, to check the dialog's fields with. */
const cronSchema = createTriggerSchema.options[0];

const presets = [
  { label: "Every minute", schedule: "* * * * *" },
  { label: "Every hour", schedule: "0 * * * *" },
  { label: "Daily at midnight", schedule: "0 0 * * *" },
  { label: "Weekdays at 9:00", schedule: "0 9 * * 1-5" },
] as const;

/** Schedules that invoke the function: each with its zone, next run, and a switch. */
export function CronTriggersCard({ fn, triggers }: { fn: ServerlessFunction; triggers: TriggersQuery }) {
  const { can } = useCurrentTeam();
  const addButton = can("functions:manage") ? <AddScheduleDialog fn={fn} /> : null;
  return (
    <TriggersCard
      title="Schedules"
      description="Cron expressions; each run arrives as a POST with a JSON body naming the schedule."
      action={addButton}
      triggers={triggers}
      kind="cron"
      empty={
        <EmptyState
          icon={CalendarClock}
          title="No schedules"
          description="Run it every hour, every night, or on weekdays at nine."
        />
      }
    >
      {(items) => (
        <Table>
          <TableHeader>
            <TableRow className="hover:bg-transparent">
              <TableHead>Schedule</TableHead>
              <TableHead>Time zone</TableHead>
              <TableHead>Next run</TableHead>
              <TableHead>Last run</TableHead>
              <TableHead className="text-right">Enabled</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {items.map((trigger) => (
              <TableRow key={trigger.id} data-testid="cron-trigger">
                <TableCell className="font-mono text-xs">{trigger.schedule}</TableCell>
                <TableCell className="text-muted-foreground">{trigger.timezone ?? "UTC"}</TableCell>
                <TableCell data-testid="cron-next-run">
                  {trigger.isEnabled ? (
                    <When at={trigger.nextRunAt} never="—" />
                  ) : (
                    <span className="text-muted-foreground">Paused</span>
                  )}
                </TableCell>
                <TableCell className="text-muted-foreground">
                  <When at={trigger.lastFiredAt} never="Never" />
                </TableCell>
                <TableCell>
                  <TriggerActions fn={fn} trigger={trigger} name={`the schedule ${trigger.schedule ?? ""}`} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </TriggersCard>
  );
}

function AddScheduleDialog({ fn }: { fn: ServerlessFunction }) {
  return (
    <FormDialog
      title="Add a schedule"
      description="Five fields (minute hour day month weekday), or six with seconds first."
      trigger={
        <Button size="sm" variant="outline">
          <Plus />
          Add schedule
        </Button>
      }
    >
      {(close) => <AddScheduleForm fn={fn} onDone={close} />}
    </FormDialog>
  );
}

const timeZones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : ["UTC"];

function AddScheduleForm({ fn, onDone }: { fn: ServerlessFunction; onDone: () => void }) {
  const { team } = useCurrentTeam();
  const create = useCreateTrigger(team.id, fn.id);
  const form = useZodForm({
    schema: cronSchema.extend({ timezone: z.string().trim().min(1).max(64) }),
    initial: { kind: "cron" as const, schedule: "", timezone: "UTC" },
  });
  const submit = form.handleSubmit((input) =>
    create.mutate(input, {
      onSuccess: (trigger) => {
        toast.success(`Added the schedule ${trigger.schedule ?? ""}`);
        onDone();
      },
      onError: (error) => {
        form.showServerError(error);
        toast.error(`Couldn't add the schedule: ${error.message}`);
      },
    }),
  );
  return (
    <DialogForm onSubmit={submit} error={form.errors.form} submitLabel="Add schedule" isSubmitting={create.isPending}>
      <TextField
        label="Cron expression"
        placeholder="0 * * * *"
        autoFocus
        autoComplete="off"
        spellCheck={false}
        className="font-mono"
        {...form.bind("schedule")}
      />
      <div className="flex flex-wrap gap-1.5">
        {presets.map((preset) => (
          <Button
            key={preset.schedule}
            type="button"
            variant="secondary"
            size="sm"
            className="h-7 text-xs"
            onClick={() => form.setField("schedule", preset.schedule)}
          >
            {preset.label}
          </Button>
        ))}
      </div>
      <TextField
        label="Time zone"
        list="function-time-zones"
        autoComplete="off"
        spellCheck={false}
        hint="The zone the expression is read in, e.g. Europe/Paris."
        {...form.bind("timezone")}
      />
      <datalist id="function-time-zones">
        {timeZones.map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
    </DialogForm>
  );
}
