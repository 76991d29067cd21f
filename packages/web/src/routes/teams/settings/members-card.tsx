import type { Member, Team } from "@slipway/contracts";
import { Trash2, Users } from "lucide-react";
import { toast } from "sonner";
import { Avatar } from "../../../components/avatar";
import { ConfirmDialog } from "../../../components/confirm-dialog";
import { PagedList } from "../../../components/paged-list";
import { EmptyState } from "../../../components/states";
import { Badge } from "../../../components/ui/badge";
import { Button } from "../../../components/ui/button";
import { Card, CardDescription, CardHeader, CardTitle } from "../../../components/ui/card";
import { useMe } from "../../../data/me";
import { useMembers, useRemoveMember, useUpdateMemberRole } from "../../../data/members";
import { capitalize, formatDate } from "../../../lib/format";
import { toastError, withToasts } from "../../../lib/toast";
import { AddMemberDialog } from "./add-member-dialog";
import { RoleSelect } from "./role-select";

export function MembersCard({ team, canManage }: { team: Team; canManage: boolean }) {
  const members = useMembers(team.id);

  return (
    <Card id="members">
      <CardHeader className="flex-row items-start justify-between gap-4 pb-4">
        <div className="grid gap-1.5">
          <CardTitle>Members</CardTitle>
          <CardDescription>
            {canManage ? "People in this team and what they may do." : "People in this team."}
          </CardDescription>
        </div>
        {canManage && !team.isPersonal ? <AddMemberDialog teamId={team.id} /> : null}
      </CardHeader>
      <PagedList
        query={members}
        skeletonClassName="h-10"
        isBelowHeader
        empty={<EmptyState icon={Users} title="No members" />}
      >
        {(items) => (
          <ul className="divide-y border-t" aria-label="Members">
            {items.map((member) => (
              <MemberRow key={member.userId} teamId={team.id} member={member} canManage={canManage} />
            ))}
          </ul>
        )}
      </PagedList>
    </Card>
  );
}

function MemberRow({ teamId, member, canManage }: { teamId: string; member: Member; canManage: boolean }) {
  const { user } = useMe();
  const updateRole = useUpdateMemberRole(teamId);
  const remove = useRemoveMember(teamId);
  const isSelf = member.userId === user.id;
  const canEdit = canManage && !isSelf;

  return (
    <li className="flex flex-wrap items-center gap-3 px-6 py-3" data-testid="member-row">
      <Avatar name={member.name} seed={member.userId} shape="round" className="size-8 text-[11px]" />
      <div className="grid min-w-0 flex-1 leading-tight">
        <span className="flex items-center gap-2 truncate font-medium text-sm">
          {member.name}
          {isSelf ? <Badge variant="outline">You</Badge> : null}
        </span>
        <span className="truncate text-muted-foreground text-xs">
          {member.email} · joined {formatDate(member.joinedAt)}
        </span>
      </div>
      {canEdit ? (
        <div className="flex items-center gap-1">
          <RoleSelect
            className="h-8 w-32"
            aria-label={`Role of ${member.name}`}
            value={member.role}
            disabled={updateRole.isPending}
            onChange={(role) =>
              updateRole.mutate(
                { userId: member.userId, role },
                {
                  onSuccess: () => toast.success(`${member.name} is now ${capitalize(role)}`),
                  onError: toastError("Couldn't change the role"),
                },
              )
            }
          />
          <ConfirmDialog
            trigger={
              <Button variant="ghost" size="icon-sm" aria-label={`Remove ${member.name}`}>
                <Trash2 />
              </Button>
            }
            title={`Remove ${member.name}?`}
            description={`${member.email} loses access to this team at once. Their API tokens for this team stop working.`}
            confirmLabel="Remove member"
            onConfirm={() =>
              withToasts(remove.mutateAsync(member.userId), {
                success: `Removed ${member.name}`,
                error: `Couldn't remove ${member.name}`,
              })
            }
          />
        </div>
      ) : (
        <Badge variant="secondary">{capitalize(member.role)}</Badge>
      )}
    </li>
  );
}
