import { Link } from "@tanstack/react-router";
import { ArrowLeft, GitBranch, type LucideIcon, Terminal } from "lucide-react";
import { useState } from "react";
import { PageHeader } from "../../../components/page-header";
import { cn } from "../../../lib/utils";
import { RequirePermission, useCurrentTeam } from "../../teams/team-layout";
import { EmptyProjectForm } from "./empty-project-form";
import { ImportGitForm } from "./import-git-form";

type Mode = "git" | "empty";

export function NewProjectPage() {
  return (
    <RequirePermission permission="projects:create">
      <NewProject />
    </RequirePermission>
  );
}

function NewProject() {
  const { team } = useCurrentTeam();
  const [mode, setMode] = useState<Mode>("git");
  return (
    <div className="grid gap-6">
      <Link
        to="/t/$teamId/projects"
        params={{ teamId: team.id }}
        className="flex w-fit items-center gap-1.5 text-muted-foreground text-sm hover:text-foreground"
      >
        <ArrowLeft className="size-4" />
        Projects
      </Link>
      <PageHeader title="New project" description="Build from a git repository, or deploy files from your machine." />
      <fieldset className="grid gap-3 sm:grid-cols-2">
        <legend className="sr-only">How to start</legend>
        <ModeOption
          icon={GitBranch}
          title="Import git repository"
          description="Slipway clones it, proposes build settings and builds every push."
          isSelected={mode === "git"}
          onSelect={() => setMode("git")}
        />
        <ModeOption
          icon={Terminal}
          title="Empty project"
          description="No repository: deploy a folder with slipway deploy."
          isSelected={mode === "empty"}
          onSelect={() => setMode("empty")}
        />
      </fieldset>
      {mode === "git" ? <ImportGitForm teamId={team.id} /> : <EmptyProjectForm teamId={team.id} />}
    </div>
  );
}

function ModeOption({
  icon: Icon,
  title,
  description,
  isSelected,
  onSelect,
}: {
  icon: LucideIcon;
  title: string;
  description: string;
  isSelected: boolean;
  onSelect: () => void;
}) {
  // A real radio inside the label: arrow keys move between the options, as in any radio group.
  return (
    <label
      className={cn(
        "flex cursor-pointer items-start gap-3 rounded-xl border bg-card p-4 transition-colors hover:border-foreground/20",
        "has-[:focus-visible]:ring-[3px] has-[:focus-visible]:ring-ring/50",
        isSelected && "border-foreground/60 ring-1 ring-foreground/60 hover:border-foreground/60",
      )}
    >
      <input type="radio" name="project-source" className="sr-only" checked={isSelected} onChange={onSelect} />
      <span className="flex size-8 shrink-0 items-center justify-center rounded-lg border bg-background">
        <Icon className="size-4" />
      </span>
      <span className="grid gap-0.5">
        <span className="font-medium text-sm">{title}</span>
        <span className="text-muted-foreground text-xs">{description}</span>
      </span>
    </label>
  );
}
