import { Plus, SearchX, SquareFunction } from "lucide-react";
import { EmptyState, ErrorState } from "../../../components/states";
import { Button } from "../../../components/ui/button";
import { Card } from "../../../components/ui/card";
import { Skeleton } from "../../../components/ui/skeleton";
import { useFunctions } from "../../../data/functions";
import { useProjects } from "../../../data/projects";
import { flattenPages } from "../../../lib/pagination";
import { useCurrentTeam } from "../../teams/team-layout";
import { CreateFunctionDialog } from "./create-function-dialog";
import { FunctionsTable } from "./functions-table";

/** The "Create function" button, for roles that may. */
export function CreateFunctionButton({ projectId }: { projectId?: string }) {
  const { team, can } = useCurrentTeam();
  if (!can("functions:manage")) return null;
  return (
    <CreateFunctionDialog
      teamId={team.id}
      {...(projectId ? { projectId } : {})}
      trigger={
        <Button size="sm">
          <Plus />
          Create function
        </Button>
      }
    />
  );
}

/**
 * The functions of the team (with a Project column), or with `projectId` of one project:
 * loading, error, empty (with the create button) and the table.
 */
export function FunctionList({ projectId, isTeamWide }: { projectId?: string; isTeamWide: boolean }) {
  const { team, can } = useCurrentTeam();
  const functions = useFunctions(team.id, projectId);
  const projects = useProjects(team.id, { limit: 100 });
  const projectNames = new Map(flattenPages(projects.data).map((project) => [project.id, project.name]));

  if (functions.isPending) {
    return (
      <Card className="grid gap-3 p-4" aria-busy>
        <Skeleton className="h-10" />
        <Skeleton className="h-10" />
        <Skeleton className="h-10" />
      </Card>
    );
  }
  if (functions.isError) return <ErrorState error={functions.error} onRetry={() => void functions.refetch()} />;
  if (functions.data.length === 0) {
    const isFiltered = isTeamWide && projectId !== undefined;
    return (
      <Card className="border-dashed shadow-none">
        {isFiltered ? (
          <EmptyState icon={SearchX} title="No functions in this project" description="Pick another project." />
        ) : (
          <EmptyState
            icon={SquareFunction}
            title="No functions yet"
            description={
              can("functions:manage")
                ? "A function is a handler that runs on demand: called over HTTP, on a schedule or on a platform event. Start from a template in Node.js, Python, Go or Ruby."
                : "Nobody in this team has created one."
            }
            action={<CreateFunctionButton {...(projectId ? { projectId } : {})} />}
          />
        )}
      </Card>
    );
  }
  return (
    <Card className="overflow-hidden">
      <FunctionsTable teamId={team.id} functions={functions.data} {...(isTeamWide ? { projectNames } : {})} />
    </Card>
  );
}
