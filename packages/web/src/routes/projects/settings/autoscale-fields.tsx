import type { Autoscale } from "@slipway/contracts";
import { FormField } from "../../../components/form-field";
import { NumberField } from "../../../components/number-field";
import { SettingsGroup } from "../../../components/settings-form";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "../../../components/ui/select";
import { Switch } from "../../../components/ui/switch";
import type { ResourcesForm } from "./resources-card";

const metrics: Record<Autoscale["metric"], { label: string; target: string }> = {
  requests: { label: "Requests in flight", target: "Target per instance" },
  cpu: { label: "CPU", target: "Target CPU (%)" },
};

/**
 * The autoscaling policy: on, it adds an instance (up to the maximum) while the load stays
 * above the target and removes one (down to the minimum) below half of it. Off, its fields
 * stay visible, disabled, so turning it on shows what it will do.
 */
export function AutoscaleFields({ form, disabled }: { form: ResourcesForm; disabled: boolean }) {
  const isOff = disabled || !form.values.isAutoscaled;
  return (
    <SettingsGroup
      title="Autoscaling"
      aside={
        <Switch
          aria-label="Autoscale"
          checked={form.values.isAutoscaled}
          onCheckedChange={(checked) => form.setField("isAutoscaled", checked)}
          disabled={disabled}
        />
      }
    >
      <FormField label="Metric" error={form.errors.autoscaleMetric}>
        {({ id, ...aria }) => (
          <Select
            value={form.values.autoscaleMetric}
            onValueChange={(value) => form.setField("autoscaleMetric", value as Autoscale["metric"])}
            disabled={isOff}
          >
            <SelectTrigger id={id} {...aria}>
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              {Object.entries(metrics).map(([value, metric]) => (
                <SelectItem key={value} value={value}>
                  {metric.label}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        )}
      </FormField>
      <NumberField
        label={metrics[form.values.autoscaleMetric].target}
        hint="Above it: one more instance. Below half: one fewer."
        disabled={isOff}
        {...form.bind("autoscaleTarget")}
      />
      <NumberField
        label="Cooldown (seconds)"
        hint="At most one step per cooldown."
        disabled={isOff}
        {...form.bind("autoscaleCooldownSeconds")}
      />
    </SettingsGroup>
  );
}
