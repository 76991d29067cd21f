import {
  defaultFunctionSettings,
  type FunctionRuntime,
  functionNameSchema,
  functionRuntimeSchema,
  functionSettingsSchema,
  functionTemplates,
} from "@slipway/contracts";
import { useNavigate } from "@tanstack/react-router";
import type { ReactNode } from "react";
import { toast } from "sonner";
import { z } from "zod";
import { CodeEditor } from "../../../components/code-editor";
import { DialogForm, FormDialog } from "../../../components/form-dialog";
import { FormField, TextField } from "../../../components/form-field";
import { NumberField, numberOrUndefined } from "../../../components/number-field";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "../../../components/ui/select";
import { useCreateFunction } from "../../../data/functions";
import { useProjects } from "../../../data/projects";
import { useRuntimes } from "../../../data/system";
import { flattenPages } from "../../../lib/pagination";
import { useZodForm } from "../../../lib/use-zod-form";
import { RuntimePicker } from "./runtime-picker";

/** The create schema's fields side by side with the project, so each error lands on its own field. */
const createFormSchema = z.object({
  projectId: z.string().min(1, "choose a project"),
  name: functionNameSchema,
  runtime: functionRuntimeSchema,
  memoryMb: functionSettingsSchema.shape.memoryMb,
  timeoutSeconds: functionSettingsSchema.shape.timeoutSeconds,
});

const memoryChoices = [128, 256, 512, 1024, 2048, 4096] as const;

/**
 * Names a function, picks its runtime (those this host has), shows the template it starts
 * from, and creates it: the template deploys as version 1, then the function's page opens.
 */
export function CreateFunctionDialog({
  teamId,
  projectId,
  trigger,
}: {
  teamId: string;
  /** Fixed on a project's page; chosen in the dialog on the team's. */
  projectId?: string;
  trigger: ReactNode;
}) {
  return (
    <FormDialog
      trigger={trigger}
      title="Create a function"
      description="It starts from the runtime's template, deployed as version 1; edit and redeploy it from its page."
      className="sm:max-w-4xl"
    >
      {() => <CreateForm teamId={teamId} projectId={projectId} />}
    </FormDialog>
  );
}

function CreateForm({ teamId, projectId }: { teamId: string; projectId: string | undefined }) {
  const navigate = useNavigate();
  const create = useCreateFunction(teamId);
  const runtimes = useRuntimes();
  const projects = useProjects(teamId, { limit: 100 });
  const projectList = flattenPages(projects.data);
  const form = useZodForm({
    schema: createFormSchema,
    initial: {
      projectId: projectId ?? "",
      name: "",
      runtime: "node" as FunctionRuntime,
      memoryMb: String(defaultFunctionSettings.memoryMb),
      timeoutSeconds: String(defaultFunctionSettings.timeoutSeconds),
    },
    prepare: (values) => ({
      ...values,
      memoryMb: numberOrUndefined(values.memoryMb),
      timeoutSeconds: numberOrUndefined(values.timeoutSeconds),
    }),
  });
  const template = functionTemplates[form.values.runtime];

  const submit = form.handleSubmit(({ projectId: target, memoryMb, timeoutSeconds, ...input }) =>
    create.mutate(
      { projectId: target, input: { ...input, settings: { memoryMb, timeoutSeconds } } },
      {
        onSuccess: ({ function: created, version }) => {
          if (version.status === "failed") {
            toast.error(`Created ${created.name}, but its first version failed to deploy`);
          } else {
            toast.success(`Created ${created.name} and deployed version ${version.number}`);
          }
          void navigate({ to: "/t/$teamId/functions/$functionId", params: { teamId, functionId: created.id } });
        },
        onError: (error) => {
          form.showServerError(error);
          toast.error(`Couldn't create the function: ${error.message}`);
        },
      },
    ),
  );

  return (
    <DialogForm
      onSubmit={submit}
      error={form.errors.form}
      submitLabel="Create function"
      isSubmitting={create.isPending}
    >
      <div className="grid gap-6 md:grid-cols-[minmax(0,20rem)_minmax(0,1fr)]">
        <div className="grid content-start gap-4">
          {projectId === undefined ? (
            <FormField label="Project" error={form.errors.projectId}>
              {(control) => (
                <Select value={form.values.projectId} onValueChange={(value) => form.setField("projectId", value)}>
                  <SelectTrigger {...control}>
                    <SelectValue placeholder={projects.isPending ? "Loading projects…" : "Choose a project"} />
                  </SelectTrigger>
                  <SelectContent>
                    {projectList.map((project) => (
                      <SelectItem key={project.id} value={project.id}>
                        {project.name}
                      </SelectItem>
                    ))}
                  </SelectContent>
                </Select>
              )}
            </FormField>
          ) : null}
          <TextField
            label="Name"
            placeholder="hello"
            autoFocus
            autoComplete="off"
            spellCheck={false}
            className="font-mono"
            hint="Lowercase letters, digits and hyphens; part of its URL."
            {...form.bind("name")}
          />
          <RuntimePicker
            runtimes={runtimes.isError ? null : runtimes.data}
            value={form.values.runtime}
            onChange={(runtime) => form.setField("runtime", runtime)}
            error={form.errors.runtime}
          />
          <div className="grid grid-cols-2 gap-3">
            <FormField label="Memory" error={form.errors.memoryMb}>
              {(control) => (
                <Select value={form.values.memoryMb} onValueChange={(value) => form.setField("memoryMb", value)}>
                  <SelectTrigger {...control}>
                    <SelectValue />
                  </SelectTrigger>
                  <SelectContent>
                    {memoryChoices.map((mb) => (
                      <SelectItem key={mb} value={String(mb)}>
                        {mb >= 1024 ? `${mb / 1024} GB` : `${mb} MB`}
                      </SelectItem>
                    ))}
                  </SelectContent>
                </Select>
              )}
            </FormField>
            <NumberField label="Timeout (seconds)" {...form.bind("timeoutSeconds")} />
          </div>
        </div>
        <div className="grid min-w-0 content-start gap-2">
          <p className="flex items-baseline justify-between gap-2 font-medium text-sm">
            Template
            <span className="font-mono font-normal text-muted-foreground text-xs">{template.entry}</span>
          </p>
          <div className="overflow-hidden rounded-lg border" data-testid="template-preview">
            <CodeEditor
              key={form.values.runtime}
              value={template.files[template.entry] ?? ""}
              fileName={template.entry}
              label={`Template for ${form.values.runtime}`}
              isReadOnly
              isWrapped
              minHeight="22rem"
              maxHeight="22rem"
            />
          </div>
        </div>
      </div>
    </DialogForm>
  );
}
