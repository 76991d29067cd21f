import { PageHeader } from "../../../components/page-header";
import { useCurrentTeam } from "../team-layout";
import { DangerZoneCard } from "./danger-zone-card";
import { GeneralCard } from "./general-card";
import { MembersCard } from "./members-card";

export function TeamSettingsPage() {
  const { team, can } = useCurrentTeam();
  return (
    <div className="grid gap-8">
      <PageHeader title="Team settings" description={`Manage ${team.name}: its name, members and roles.`} />
      <GeneralCard teamId={team.id} canUpdate={can("team:update")} />
      {can("members:read") ? <MembersCard team={team} canManage={can("members:manage")} /> : null}
      <DangerZoneCard team={team} canDelete={can("team:delete")} />
    </div>
  );
}
