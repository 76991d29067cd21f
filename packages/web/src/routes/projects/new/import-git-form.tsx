import { createProjectSchema, frameworkLabels, gitSourceSchema, type Project } from "@slipway/contracts";
import { useNavigate } from "@tanstack/react-router";
import { ScanSearch } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { Form, TextField } from "../../../components/form-field";
import { Badge } from "../../../components/ui/badge";
import { Button } from "../../../components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../../../components/ui/card";
import { useCreateProject, useDetectSettings } from "../../../data/projects";
import { useZodForm } from "../../../lib/use-zod-form";
import { BuildOutputFields, useBuildOutputForm } from "../common/build-settings-fields";
import { showDetectError } from "../common/detect-error";
import { repositoryName } from "../common/repository";

type GitField = "url" | "branch" | "rootDir";

/** Until the repository is detected there is nothing to edit; these only seed the form. */
const placeholderSettings: Project["settings"] = {
  framework: "static",
  installCommand: null,
  buildCommand: null,
  outputDir: ".",
  spaFallback: false,
  nodeVersion: "20",
  preBuildHook: null,
  postBuildHook: null,
  startCommand: null,
};

/**
 * Repository first; Detect clones it on the server and proposes settings, every one of them
 * editable; then name and create. Changing the repository asks for detection again.
 */
export function ImportGitForm({ teamId }: { teamId: string }) {
  const navigate = useNavigate();
  const detect = useDetectSettings(teamId);
  const create = useCreateProject(teamId);
  const [detected, setDetected] = useState<{
    framework: Project["settings"]["framework"];
    nodeVersions: string[];
  } | null>(null);
  const git = useZodForm({ schema: gitSourceSchema, initial: { url: "", branch: "main", rootDir: "" } });
  const settings = useBuildOutputForm(placeholderSettings);
  const naming = useZodForm({ schema: createProjectSchema.pick({ name: true }), initial: { name: "" } });

  const bindGit = (key: GitField) => ({
    ...git.bind(key),
    onChange: (value: string) => {
      git.setField(key, value);
      setDetected(null);
    },
  });

  const runDetect = git.handleSubmit((source) =>
    detect.mutate(source, {
      onSuccess: (result) => {
        settings.load(result.settings);
        setDetected({ framework: result.settings.framework, nodeVersions: result.nodeVersions });
        if (!naming.values.name) naming.setField("name", repositoryName(source.url));
      },
      onError: (error) => {
        if (!showDetectError(git, error)) git.showServerError(error);
      },
    }),
  );

  const submit = naming.handleSubmit((input) => {
    const source = git.validate();
    const output = settings.validate();
    if (!source || !output) return;
    create.mutate(
      { name: input.name, git: source, settings: output },
      {
        onSuccess: (project) => {
          toast.success(`Created ${project.name}`);
          void navigate({ to: "/t/$teamId/projects/$projectId", params: { teamId, projectId: project.id } });
        },
        onError: (error) => {
          if (showDetectError(git, error)) setDetected(null);
          else naming.showServerError(error);
        },
      },
    );
  });

  return (
    <div className="grid gap-6">
      <Card>
        <CardHeader>
          <CardTitle>Repository</CardTitle>
          <CardDescription>
            Any address git can clone: https://, git://, or file:// for a repository on this server.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <Form onSubmit={runDetect} error={git.errors.form}>
            <TextField
              label="Repository URL"
              placeholder="https://github.com/acme/site.git"
              autoComplete="off"
              spellCheck={false}
              autoFocus
              className="font-mono"
              {...bindGit("url")}
            />
            <div className="grid gap-4 sm:grid-cols-2">
              <TextField label="Branch" autoComplete="off" className="font-mono" {...bindGit("branch")} />
              <TextField
                label="Root directory"
                placeholder="the repository's root"
                hint="For a monorepo: the folder of the app, like apps/web."
                autoComplete="off"
                className="font-mono"
                {...bindGit("rootDir")}
              />
            </div>
            <Button
              type="submit"
              variant={detected ? "outline" : "default"}
              className="w-fit"
              isLoading={detect.isPending}
            >
              {detect.isPending ? null : <ScanSearch />}
              {detected ? "Detect again" : "Detect settings"}
            </Button>
          </Form>
        </CardContent>
      </Card>

      {detected ? (
        <Form onSubmit={submit} error={naming.errors.form} className="gap-6">
          <Card>
            <CardHeader>
              <CardTitle className="flex items-center gap-2">
                Build settings
                <Badge variant="success" data-testid="detected-framework">
                  Detected: {frameworkLabels[detected.framework]}
                </Badge>
              </CardTitle>
              <CardDescription>What Slipway found in the repository. Change anything that isn't right.</CardDescription>
            </CardHeader>
            <CardContent>
              <BuildOutputFields form={settings} nodeVersions={detected.nodeVersions} />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Project</CardTitle>
              <CardDescription>Its address is derived from the name.</CardDescription>
            </CardHeader>
            <CardContent className="flex flex-col gap-3 sm:flex-row sm:items-start">
              <div className="flex-1">
                <TextField label="Project name" {...naming.bind("name")} />
              </div>
              <Button type="submit" isLoading={create.isPending} className="sm:mt-[22px]">
                Create project
              </Button>
            </CardContent>
          </Card>
        </Form>
      ) : null}
    </div>
  );
}
