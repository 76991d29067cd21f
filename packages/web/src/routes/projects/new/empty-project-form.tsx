import { createProjectSchema } from "@slipway/contracts";
import { useNavigate } from "@tanstack/react-router";
import { toast } from "sonner";
import { Form, TextField } from "../../../components/form-field";
import { Button } from "../../../components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../../../components/ui/card";
import { useCreateProject } from "../../../data/projects";
import { useZodForm } from "../../../lib/use-zod-form";

/** A project without a repository; its overview then shows how to deploy with the CLI. */
export function EmptyProjectForm({ teamId }: { teamId: string }) {
  const navigate = useNavigate();
  const create = useCreateProject(teamId);
  const form = useZodForm({ schema: createProjectSchema.pick({ name: true }), initial: { name: "" } });

  const submit = form.handleSubmit((input) =>
    create.mutate(input, {
      onSuccess: (project) => {
        toast.success(`Created ${project.name}`);
        void navigate({ to: "/t/$teamId/projects/$projectId", params: { teamId, projectId: project.id } });
      },
      onError: form.showServerError,
    }),
  );

  return (
    <Card>
      <CardHeader>
        <CardTitle>Empty project</CardTitle>
        <CardDescription>
          Name it; its address is derived from the name. Deploy with the CLI once it exists.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <Form onSubmit={submit} error={form.errors.form}>
          <div className="flex flex-col gap-3 sm:flex-row sm:items-start">
            <div className="flex-1">
              <TextField label="Project name" placeholder="my-site" autoFocus {...form.bind("name")} />
            </div>
            <Button type="submit" isLoading={create.isPending} className="sm:mt-[22px]">
              Create project
            </Button>
          </div>
        </Form>
      </CardContent>
    </Card>
  );
}
