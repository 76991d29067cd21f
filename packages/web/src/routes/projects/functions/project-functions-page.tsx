import { displayUrl } from "../../../lib/format";
import { CreateFunctionButton, FunctionList } from "../../functions/list/function-list";
import { useCurrentProject } from "../detail/project-layout";

/** The project's Functions tab. */
export function ProjectFunctionsPage() {
  const project = useCurrentProject();
  return (
    <div className="grid gap-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="grid gap-1">
          <h2 className="font-semibold text-base">Functions</h2>
          <p className="text-muted-foreground text-sm">
            Each answers at <span className="font-mono text-xs">{`<name>--${displayUrl(project.productionUrl)}`}</span>,
            and can run on a schedule or on platform events.
          </p>
        </div>
        <CreateFunctionButton projectId={project.id} />
      </div>
      <FunctionList projectId={project.id} isTeamWide={false} />
    </div>
  );
}
