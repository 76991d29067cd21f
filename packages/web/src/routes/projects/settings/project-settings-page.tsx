import { useCurrentTeam } from "../../teams/team-layout";
import { useCurrentProject } from "../detail/project-layout";
import { BuildCard } from "./build-card";
import { CacheCard } from "./cache-card";
import { EnvCard } from "./env-card";
import { GeneralCard } from "./general-card";
import { GitCard } from "./git-card";
import { HooksCard } from "./hooks-card";
import { LimitsCard } from "./limits-card";
import { PreferencesCard } from "./preferences-card";
import { ProjectDangerZone } from "./project-danger-zone";
import { ResourcesCard } from "./resources-card";

/**
 * Each card saves on its own. A card's form starts from the saved values and starts over when
 * they change (its key), so Save is enabled only by an edit. Wide screens get a list of the
 * sections beside them.
 */
export function ProjectSettingsPage() {
  const { can } = useCurrentTeam();
  const project = useCurrentProject();
  const keyOf = (part: unknown) => JSON.stringify(part);
  const { preBuildHook, postBuildHook, ...buildOutput } = project.settings;
  const sections = [
    { id: "general", label: "General" },
    { id: "git", label: "Git" },
    { id: "preferences", label: "Deployment preferences" },
    { id: "build", label: "Build & output" },
    { id: "resources", label: "Resources & scaling" },
    { id: "hooks", label: "Build hooks" },
    { id: "limits", label: "Build limits" },
    { id: "cache", label: "Build cache" },
    ...(can("env:read") ? [{ id: "env", label: "Environment variables" }] : []),
  ];
  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-[12rem_minmax(0,1fr)] lg:items-start">
      <nav aria-label="Settings sections" className="sticky top-6 hidden lg:grid">
        {sections.map((section) => (
          <a
            key={section.id}
            href={`#${section.id}`}
            className="rounded-md px-2 py-1.5 text-muted-foreground text-sm outline-none hover:bg-accent hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50"
          >
            {section.label}
          </a>
        ))}
      </nav>
      <div className="grid grid-cols-1 gap-6">
        <GeneralCard key={keyOf(project.name)} project={project} />
        <GitCard key={keyOf([project.git, project.productionBranch])} project={project} />
        <PreferencesCard key={keyOf([project.productionBranch, project.preferences])} project={project} />
        <BuildCard key={keyOf(buildOutput)} project={project} />
        <ResourcesCard key={keyOf([project.runtime, buildOutput.startCommand])} project={project} />
        <HooksCard key={keyOf([preBuildHook, postBuildHook])} project={project} />
        <LimitsCard key={keyOf(project.limits)} project={project} />
        <CacheCard project={project} />
        {can("env:read") ? <EnvCard project={project} /> : null}
        {can("projects:delete") ? <ProjectDangerZone project={project} /> : null}
      </div>
    </div>
  );
}
