import { useCurrentTeam } from "../../teams/team-layout";
import { useCurrentProject } from "../detail/project-layout";
import { CliDeployCard } from "./cli-deploy-card";
import { GitConnectionCard } from "./git-connection-card";
import { LatestDeploymentsCard } from "./latest-deployments-card";
import { ProductionCard } from "./production-card";

export function ProjectOverviewPage() {
  const { team } = useCurrentTeam();
  const project = useCurrentProject();
  return (
    <div className="grid grid-cols-1 gap-6">
      <ProductionCard teamId={team.id} project={project} />
      <LatestDeploymentsCard teamId={team.id} project={project} />
      {project.git ? <GitConnectionCard project={project} git={project.git} /> : <CliDeployCard project={project} />}
    </div>
  );
}
