import { roleDescriptions } from "@slipway/contracts";
import { Link, type LinkProps } from "@tanstack/react-router";
import {
  ArrowUpRight,
  FolderGit2,
  Hammer,
  KeyRound,
  type LucideIcon,
  ScrollText,
  Settings,
  UserRound,
} from "lucide-react";
import type { ReactNode } from "react";
import { Avatar } from "../../../components/avatar";
import { PageHeader } from "../../../components/page-header";
import { ErrorState } from "../../../components/states";
import { Badge } from "../../../components/ui/badge";
import { Card } from "../../../components/ui/card";
import { Skeleton } from "../../../components/ui/skeleton";
import { useSystemInfo } from "../../../data/system";
import { useTeam } from "../../../data/teams";
import { capitalize, formatDate } from "../../../lib/format";
import { useCurrentTeam } from "../team-layout";

export function TeamOverviewPage() {
  const { team: listed, can } = useCurrentTeam();
  const teamQuery = useTeam(listed.id);

  if (teamQuery.isError) return <ErrorState error={teamQuery.error} onRetry={() => void teamQuery.refetch()} />;
  const team = teamQuery.data;
  const params = { teamId: listed.id };

  return (
    <div className="grid gap-8">
      <PageHeader
        title={
          <span className="flex items-center gap-3">
            <Avatar name={listed.name} seed={listed.id} className="size-8 text-xs" />
            {team ? team.name : <Skeleton className="h-7 w-40" />}
          </span>
        }
        description={
          team ? (
            <span className="flex flex-wrap items-center gap-2">
              <span className="font-mono text-xs">{team.slug}</span>
              {team.isPersonal ? <Badge variant="outline">Personal team</Badge> : null}
            </span>
          ) : (
            <Skeleton className="h-4 w-24" />
          )
        }
      />

      <div className="grid gap-4 sm:grid-cols-3">
        <Stat label="Your role" value={team ? capitalize(team.role) : null}>
          {team ? roleDescriptions[team.role] : null}
        </Stat>
        {can("members:read") ? (
          <Stat label="Members" value={team ? team.memberCount : null}>
            <Link
              to="/t/$teamId/settings"
              params={params}
              hash="members"
              className="font-medium text-foreground underline-offset-4 hover:underline"
            >
              {can("members:manage") && !listed.isPersonal ? "Manage members" : "See members"}
            </Link>
          </Stat>
        ) : null}
        <Stat label="Created" value={team ? formatDate(team.createdAt) : null} />
      </div>

      <section className="grid gap-3">
        <h2 className="font-medium text-sm">Quick links</h2>
        <div className="grid gap-3 sm:grid-cols-2">
          {can("projects:read") ? (
            <QuickLink
              icon={FolderGit2}
              title="Projects"
              description="Sites this team builds and deploys."
              link={{ to: "/t/$teamId/projects", params }}
            />
          ) : null}
          {can("projects:read") ? (
            <QuickLink
              icon={Hammer}
              title="Builds"
              description="Every build, its log, and how the last week went."
              link={{ to: "/t/$teamId/builds", params }}
            />
          ) : null}
          {can("tokens:read") ? (
            <QuickLink
              icon={KeyRound}
              title="API tokens"
              description="Let the CLI and scripts act for this team."
              link={{ to: "/t/$teamId/tokens", params }}
            />
          ) : null}
          {can("audit:read") ? (
            <QuickLink
              icon={ScrollText}
              title="Audit log"
              description="Who did what in this team, and when."
              link={{ to: "/t/$teamId/audit", params }}
            />
          ) : null}
          <QuickLink
            icon={Settings}
            title="Team settings"
            description="Name, members and roles."
            link={{ to: "/t/$teamId/settings", params }}
          />
          <QuickLink
            icon={UserRound}
            title="Your account"
            description="Profile, password and signed-in devices."
            link={{ to: "/account" }}
          />
        </div>
      </section>
      <InstanceFooter />
    </div>
  );
}

function Stat({ label, value, children }: { label: string; value: ReactNode | null; children?: ReactNode }) {
  return (
    <Card className="grid content-start gap-1 p-5" role="group" aria-label={label}>
      <p className="text-muted-foreground text-xs">{label}</p>
      {value === null ? <Skeleton className="h-7 w-20" /> : <p className="font-semibold text-xl">{value}</p>}
      {children ? <p className="text-muted-foreground text-xs">{children}</p> : null}
    </Card>
  );
}

function QuickLink({
  icon: Icon,
  title,
  description,
  link,
}: {
  icon: LucideIcon;
  title: string;
  description: string;
  link: LinkProps;
}) {
  return (
    <Link
      {...link}
      className="group flex items-start gap-3 rounded-xl border bg-card p-4 outline-none transition-colors hover:border-foreground/20 hover:bg-accent/40 focus-visible:ring-[3px] focus-visible:ring-ring/50"
    >
      <span className="flex size-8 shrink-0 items-center justify-center rounded-lg border bg-background">
        <Icon className="size-4" />
      </span>
      <span className="grid min-w-0 flex-1 gap-0.5">
        <span className="font-medium text-sm">{title}</span>
        <span className="text-muted-foreground text-xs">{description}</span>
      </span>
      <ArrowUpRight className="size-4 text-muted-foreground opacity-0 transition-opacity group-hover:opacity-100" />
    </Link>
  );
}

function InstanceFooter() {
  const { data: info } = useSystemInfo();
  if (!info) return null;
  return (
    <p className="text-muted-foreground text-xs">
      Slipway {info.version} · {info.store === "pglite" ? "embedded PGlite" : "PostgreSQL"} store · edge at{" "}
      <span className="font-mono">{info.edgeUrl}</span>
    </p>
  );
}
