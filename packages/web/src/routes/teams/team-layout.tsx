import type { Permission } from "@slipway/contracts";
import { getRouteApi, Link, Outlet } from "@tanstack/react-router";
import { Lock, Users } from "lucide-react";
import { useEffect } from "react";
import { EmptyState } from "../../components/states";
import { Button } from "../../components/ui/button";
import { useMe } from "../../data/me";
import { rememberLastTeamId } from "../../lib/last-team";

const route = getRouteApi("/_app/t/$teamId");

/** Every `/t/$teamId/...` page; a team the user is not in looks the same as one that does not exist. */
export function TeamLayout() {
  const { teamId } = route.useParams();
  const me = useMe();
  const isMember = me.teams.some((team) => team.id === teamId);

  useEffect(() => {
    if (isMember) rememberLastTeamId(teamId);
  }, [isMember, teamId]);

  if (!isMember) {
    return (
      <EmptyState
        icon={Users}
        title="Team not found"
        description="It doesn't exist, or you're not a member of it."
        action={
          <Button asChild variant="outline" size="sm">
            <Link to="/">Go to your team</Link>
          </Button>
        }
      />
    );
  }
  return <Outlet />;
}

/** The team of the current `/t/$teamId` page, as `me` sees it (role and permissions included). */
export function useCurrentTeam() {
  const { teamId } = route.useParams();
  const team = useMe().teams.find((t) => t.id === teamId);
  if (!team) throw new Error(`useCurrentTeam outside a team the user belongs to (${teamId})`);
  const can = (permission: Permission) => team.permissions.includes(permission);
  return { team, can };
}

/**
 * Shows a page only to roles that may read it. Asking the API anyway would only earn a 403
 * and a "denied" audit entry.
 */
export function RequirePermission({ permission, children }: { permission: Permission; children: React.ReactNode }) {
  const { can } = useCurrentTeam();
  if (!can(permission)) {
    return (
      <EmptyState
        icon={Lock}
        title="You can't see this"
        description={`Your role in this team lacks the ${permission} permission. Ask an owner or admin.`}
      />
    );
  }
  return children;
}
