import type { ApiToken, CreatedToken } from "@slipway/contracts";
import { KeyRound } from "lucide-react";
import { useState } from "react";
import { PageHeader } from "../../../components/page-header";
import { PagedList } from "../../../components/paged-list";
import { EmptyState } from "../../../components/states";
import { Card } from "../../../components/ui/card";
import { useMe } from "../../../data/me";
import { useTokens } from "../../../data/tokens";
import { RequirePermission, useCurrentTeam } from "../../teams/team-layout";
import { CreateTokenDialog } from "./create-token-dialog";
import { TokenSecretDialog } from "./token-secret-dialog";
import { TokensTable } from "./tokens-table";

export function TokensPage() {
  return (
    <RequirePermission permission="tokens:read">
      <TokenList />
    </RequirePermission>
  );
}

function TokenList() {
  const { team, can } = useCurrentTeam();
  const { user } = useMe();
  const tokens = useTokens(team.id);
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const canCreate = can("tokens:create");
  // Revoking one's own token needs tokens:create; anyone's needs tokens:manage.
  const canRevoke = (token: ApiToken) => can("tokens:manage") || (canCreate && token.createdBy.userId === user.id);

  const createButton = canCreate ? <CreateTokenDialog team={team} onCreated={setCreated} /> : null;

  return (
    <div className="grid gap-6">
      <PageHeader
        title="API tokens"
        description={`Tokens let the CLI and scripts act for ${team.name}, limited to the scopes you give them.`}
        actions={createButton}
      />
      <Card className="overflow-hidden">
        <PagedList
          query={tokens}
          empty={
            <EmptyState
              icon={KeyRound}
              title="No API tokens yet"
              description={
                canCreate
                  ? "Create one to use the Slipway CLI or call the API from scripts."
                  : "Nobody has created one."
              }
              action={createButton}
            />
          }
        >
          {(items) => <TokensTable teamId={team.id} tokens={items} canRevoke={canRevoke} />}
        </PagedList>
      </Card>
      <TokenSecretDialog created={created} onClose={() => setCreated(null)} />
    </div>
  );
}
