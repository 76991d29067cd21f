import { type BuildSettingsInput, buildSettingsSchema, frameworkLabels, frameworks } from "@slipway/contracts";
import { FormField, TextField } from "../../../components/form-field";
import { SettingsGroup } from "../../../components/settings-form";
import { SwitchField } from "../../../components/switch-field";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "../../../components/ui/select";
import { useZodForm } from "../../../lib/use-zod-form";

type Framework = BuildSettingsInput["framework"];

/** Frameworks that run a server: without a start command their deployments would be served as files. */
const serverFrameworks: readonly Framework[] = ["node-server", "python"];

const buildOutputSchema = buildSettingsSchema
  .omit({ preBuildHook: true, postBuildHook: true })
  .refine((settings) => settings.startCommand !== null || !serverFrameworks.includes(settings.framework), {
    path: ["startCommand"],
    message: "A server app needs the command that starts it",
  });

/** An empty command box means "no command". */
export const commandOrNull = (text: string) => text.trim() || null;

function toValues(settings: BuildSettingsInput) {
  return {
    framework: settings.framework as Framework,
    installCommand: settings.installCommand ?? "",
    buildCommand: settings.buildCommand ?? "",
    outputDir: settings.outputDir,
    spaFallback: settings.spaFallback,
    nodeVersion: settings.nodeVersion,
    startCommand: settings.startCommand ?? "",
  };
}

/** Framework, commands, output and Node version, checked with the server's own schema. */
export function useBuildOutputForm(settings: BuildSettingsInput) {
  const form = useZodForm({
    schema: buildOutputSchema,
    initial: toValues(settings),
    prepare: (values) => ({
      ...values,
      installCommand: commandOrNull(values.installCommand),
      buildCommand: commandOrNull(values.buildCommand),
      startCommand: commandOrNull(values.startCommand),
      outputDir: values.outputDir.trim(),
    }),
  });
  return { ...form, load: (next: BuildSettingsInput) => form.reset(toValues(next)) };
}

const buildFields = [
  {
    key: "installCommand",
    label: "Install command",
    placeholder: "none",
    hint: "Runs first; its dependencies are cached between builds.",
  },
  { key: "buildCommand", label: "Build command", placeholder: "none", hint: undefined },
  {
    key: "outputDir",
    label: "Output directory",
    placeholder: ".",
    hint: "What gets published (and, for a server, where it starts), relative to the root directory.",
  },
] as const;

const startField = [
  {
    key: "startCommand",
    label: "Start command",
    placeholder: "none: a static site",
    hint: "Makes the project a server app: it runs with PORT set and the edge proxies to it.",
  },
] as const;

export type BuildOutputForm = ReturnType<typeof useBuildOutputForm>;

/** The runtime (framework, Node.js version, start command), then how the build runs and what it publishes. */
export function BuildOutputFields({
  form,
  nodeVersions,
  disabled = false,
}: {
  form: BuildOutputForm;
  /** The Node majors this server has; the current one is always offered. */
  nodeVersions: string[];
  disabled?: boolean;
}) {
  const versions = [...new Set([form.values.nodeVersion, ...nodeVersions])].sort((a, b) => Number(b) - Number(a));
  return (
    <div className="grid gap-6">
      <SettingsGroup title="Runtime">
        <FormField label="Framework" error={form.errors.framework}>
          {({ id, ...aria }) => (
            <Select
              value={form.values.framework}
              onValueChange={(value) => form.setField("framework", value as Framework)}
              disabled={disabled}
            >
              <SelectTrigger id={id} {...aria}>
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                {frameworks.map((framework) => (
                  <SelectItem key={framework} value={framework}>
                    {frameworkLabels[framework]}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          )}
        </FormField>
        <FormField label="Node.js version" error={form.errors.nodeVersion}>
          {({ id, ...aria }) => (
            <Select
              value={form.values.nodeVersion}
              onValueChange={(value) => form.setField("nodeVersion", value)}
              disabled={disabled}
            >
              <SelectTrigger id={id} {...aria}>
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                {versions.map((version) => (
                  <SelectItem key={version} value={version}>
                    Node.js {version}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          )}
        </FormField>
        <CommandFields fields={startField} bind={form.bind} disabled={disabled} />
      </SettingsGroup>
      <SettingsGroup title="Build">
        <CommandFields fields={buildFields} bind={form.bind} disabled={disabled} />
        <SwitchField
          label="Single-page app fallback"
          hint="Static sites: answer paths with no file with index.html, for client-side routing."
          error={form.errors.spaFallback}
          checked={form.values.spaFallback}
          onCheckedChange={(checked) => form.setField("spaFallback", checked)}
          disabled={disabled}
        />
      </SettingsGroup>
    </div>
  );
}

type CommandField<K extends string> = { key: K; label: string; placeholder: string; hint: string | undefined };

/** Commands and paths: one-line text in a monospace font, each bound to its form field. */
export function CommandFields<K extends string>({
  fields,
  bind,
  disabled,
}: {
  fields: readonly CommandField<K>[];
  bind: (key: K) => { value: string; onChange: (value: string) => void; error: string | undefined };
  disabled: boolean;
}) {
  return fields.map((field) => (
    <TextField
      key={field.key}
      label={field.label}
      placeholder={field.placeholder}
      hint={field.hint}
      className="font-mono"
      disabled={disabled}
      {...bind(field.key)}
    />
  ));
}
