import { getRouteApi } from "@tanstack/react-router";
import { AuditLog } from "../../audit/common/audit-log";

const route = getRouteApi("/_app/admin/audit");

/** What happens outside any team: accounts signing up, in and out, and changing passwords. */
export function InstanceAuditPage() {
  const search = route.useSearch();
  return (
    <AuditLog
      teamId={null}
      search={search}
      title="Instance audit log"
      description="Sign-ups, sign-ins (and refused ones), sign-outs, password changes and signed-out devices, across every account."
      emptyDescription="Sign-ups and sign-ins on this instance show up here."
      actionExample="auth.sign_in_email"
    />
  );
}
