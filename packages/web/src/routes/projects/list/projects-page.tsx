import { Link } from "@tanstack/react-router";
import { FolderGit2, Plus } from "lucide-react";
import { PageHeader } from "../../../components/page-header";
import { PagedList } from "../../../components/paged-list";
import { EmptyState } from "../../../components/states";
import { Button } from "../../../components/ui/button";
import { useProjects } from "../../../data/projects";
import { RequirePermission, useCurrentTeam } from "../../teams/team-layout";
import { ProjectCard } from "./project-card";

export function ProjectsPage() {
  return (
    <RequirePermission permission="projects:read">
      <ProjectList />
    </RequirePermission>
  );
}

function ProjectList() {
  const { team, can } = useCurrentTeam();
  const projects = useProjects(team.id);
  const newProject = can("projects:create") ? (
    <Button asChild size="sm">
      <Link to="/t/$teamId/projects/new" params={{ teamId: team.id }}>
        <Plus />
        New project
      </Link>
    </Button>
  ) : null;

  return (
    <div className="grid gap-6">
      <PageHeader
        title="Projects"
        description="Each project builds from a git repository or the CLI, and serves every build at its own URL."
        actions={newProject}
      />
      <PagedList
        query={projects}
        skeletonRows={3}
        skeletonClassName="h-32 rounded-xl"
        empty={
          <div className="rounded-xl border border-dashed">
            <EmptyState
              icon={FolderGit2}
              title="No projects yet"
              description={
                can("projects:create")
                  ? "Import a git repository, or start an empty project and deploy it with the CLI."
                  : "Nobody in this team has created one."
              }
              action={newProject}
            />
          </div>
        }
      >
        {(items) => (
          <ul className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3" aria-label="Projects">
            {items.map((project) => (
              <ProjectCard key={project.id} teamId={team.id} project={project} />
            ))}
          </ul>
        )}
      </PagedList>
    </div>
  );
}
