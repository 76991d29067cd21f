import { deployFunctionSchema, type FunctionSource, type ServerlessFunction } from "@slipway/contracts";
import { AlertTriangle, Rocket, RotateCcw, X } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { CodeEditor } from "../../../components/code-editor";
import { Button } from "../../../components/ui/button";
import { Card } from "../../../components/ui/card";
import { useDeployFunction } from "../../../data/functions";
import { errorMessage, isApiError } from "../../../lib/api";
import { useCurrentTeam } from "../../teams/team-layout";
import { FileList } from "./file-list";

/** Source files in the order a reader wants them: the entry first, then by path. */
function sortedPaths(files: Record<string, string>, entry: string): string[] {
  return Object.keys(files).sort((a, b) => (a === entry ? -1 : b === entry ? 1 : a.localeCompare(b)));
}

/**
 * The editor over one version's files: a file list when there are several, the code, and
 * Deploy, which sends every file as a new version. A packaging failure shows the compiler's
 * message here; production stays where it was.
 */
export function CodeWorkspace({
  fn,
  source,
  deployError,
  onDeployError,
}: {
  fn: ServerlessFunction;
  source: FunctionSource;
  deployError: string | null;
  onDeployError: (message: string | null) => void;
}) {
  const { team, can } = useCurrentTeam();
  const canDeploy = can("functions:manage");
  const deploy = useDeployFunction(team.id, fn.id);
  const [files, setFiles] = useState(source.files);
  // The function's entry names a source file; a version's may name what packaging made of it (Go's binary).
  const entry = fn.entry in source.files ? fn.entry : source.entry;
  const [activePath, setActivePath] = useState(sortedPaths(source.files, entry)[0]);
  const paths = sortedPaths(files, entry);
  const active = activePath !== undefined && activePath in files ? activePath : paths[0];
  const isDirty = JSON.stringify(files) !== JSON.stringify(source.files);

  function submit() {
    if (!canDeploy || deploy.isPending) return;
    const input = deployFunctionSchema.safeParse({ files, ...(entry in files ? { entry } : {}) });
    if (!input.success) {
      toast.error(`Can't deploy: ${input.error.issues[0]?.message ?? "the files are not valid"}`);
      return;
    }
    // The promise, not mutate's callbacks: a deploy that moves production reloads this editor
    // (its key is the version), and callbacks of an unmounted observer never run.
    void deploy.mutateAsync(input.data).then(
      (version) => {
        onDeployError(null);
        toast.success(`Deployed version ${version.number} to production`);
      },
      // A packaging failure (422) carries the compiler's message; any failure leaves production as it was.
      (error: unknown) => {
        onDeployError(errorMessage(error));
        toast.error(
          isApiError(error, 422) ? "Deploy failed: production is unchanged" : `Couldn't deploy: ${errorMessage(error)}`,
        );
      },
    );
  }

  return (
    <div className="grid gap-3">
      {deployError !== null ? (
        <DeployErrorPanel
          message={deployError}
          productionVersion={fn.productionVersion}
          onDismiss={() => onDeployError(null)}
        />
      ) : null}
      <Card className="overflow-hidden">
        <div className="flex flex-wrap items-center justify-between gap-2 border-b px-3 py-2">
          <div className="flex min-w-0 items-center gap-2 text-sm">
            <span className="truncate font-medium font-mono text-xs">{active}</span>
            {isDirty ? (
              <span className="text-muted-foreground text-xs" data-testid="unsaved-changes">
                · Not deployed yet
              </span>
            ) : null}
          </div>
          {canDeploy ? (
            <div className="flex items-center gap-2">
              <Button
                variant="ghost"
                size="sm"
                disabled={!isDirty || deploy.isPending}
                onClick={() => setFiles(source.files)}
              >
                <RotateCcw />
                Discard changes
              </Button>
              <Button size="sm" isLoading={deploy.isPending} onClick={submit} title="Ctrl+S">
                {deploy.isPending ? null : <Rocket />}
                {deploy.isPending ? "Deploying…" : "Deploy"}
              </Button>
            </div>
          ) : (
            <span className="text-muted-foreground text-xs">Your role can't deploy; read only.</span>
          )}
        </div>
        <div className="grid md:grid-cols-[13rem_minmax(0,1fr)]">
          <FileList
            paths={paths}
            entry={entry}
            active={active}
            canEdit={canDeploy}
            onSelect={setActivePath}
            onAdd={(path) => {
              setFiles((current) => ({ ...current, [path]: "" }));
              setActivePath(path);
            }}
            onRemove={(path) =>
              setFiles((current) => Object.fromEntries(Object.entries(current).filter(([key]) => key !== path)))
            }
          />
          {active !== undefined ? (
            <CodeEditor
              key={active}
              value={files[active] ?? ""}
              onChange={(text) => setFiles((current) => ({ ...current, [active]: text }))}
              fileName={active}
              label={`Code of ${active}`}
              isReadOnly={!canDeploy}
              onSubmit={submit}
              minHeight="32rem"
              maxHeight="32rem"
              className="min-w-0 md:border-l"
            />
          ) : null}
        </div>
      </Card>
    </div>
  );
}

function DeployErrorPanel({
  message,
  productionVersion,
  onDismiss,
}: {
  message: string;
  productionVersion: number | null;
  onDismiss: () => void;
}) {
  return (
    <div role="alert" data-testid="deploy-error" className="rounded-xl border border-destructive/40 bg-destructive/5">
      <div className="flex items-start justify-between gap-3 px-4 pt-3">
        <div className="flex items-start gap-2">
          <AlertTriangle className="mt-0.5 size-4 shrink-0 text-destructive" />
          <div className="grid gap-0.5">
            <p className="font-medium text-destructive text-sm">The deploy failed</p>
            <p className="text-muted-foreground text-sm">
              {productionVersion !== null
                ? `Production is unchanged: version ${productionVersion} keeps serving.`
                : "Nothing is in production yet."}{" "}
              Fix the code and deploy again.
            </p>
          </div>
        </div>
        <Button variant="ghost" size="icon-sm" aria-label="Dismiss" onClick={onDismiss}>
          <X />
        </Button>
      </div>
      <pre className="m-3 max-h-64 overflow-auto rounded-lg bg-background/80 p-3 font-mono text-xs leading-relaxed">
        {message}
      </pre>
    </div>
  );
}
