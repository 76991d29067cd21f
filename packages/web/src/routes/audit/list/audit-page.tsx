import { getRouteApi } from "@tanstack/react-router";
import { RequirePermission, useCurrentTeam } from "../../teams/team-layout";
import { AuditLog } from "../common/audit-log";

const route = getRouteApi("/_app/t/$teamId/audit");

export function AuditPage() {
  const { team } = useCurrentTeam();
  const search = route.useSearch();
  return (
    <RequirePermission permission="audit:read">
      <AuditLog
        teamId={team.id}
        search={search}
        title="Audit log"
        description="Every change in this team, and every refused attempt: who, what, when and from where."
        emptyDescription="Changes to this team show up here."
        actionExample="token.create"
      />
    </RequirePermission>
  );
}
