import type { Project } from "@slipway/contracts";
import { Globe, Plus } from "lucide-react";
import { EmptyState, ErrorState } from "../../../components/states";
import { Button } from "../../../components/ui/button";
import { Card, CardDescription, CardHeader, CardTitle } from "../../../components/ui/card";
import { Skeleton } from "../../../components/ui/skeleton";
import { useDomains } from "../../../data/domains";
import { useCurrentTeam } from "../../teams/team-layout";
import { DomainDialog } from "./domain-dialog";
import { DomainItem } from "./domain-item";
import { productionHostOf } from "./domain-targets";

/** The project's own domains: each with its status, the DNS records it needs and its last check. */
export function DomainsCard({ project }: { project: Project }) {
  const { team, can } = useCurrentTeam();
  const domains = useDomains(team.id, project.id);
  const canManage = can("domains:manage");
  const addButton = canManage ? (
    <DomainDialog
      project={project}
      domains={domains.data ?? []}
      trigger={
        <Button size="sm" className="shrink-0">
          <Plus />
          Add domain
        </Button>
      }
    />
  ) : null;

  return (
    <Card>
      <CardHeader className="flex-col items-start justify-between gap-4 pb-4 sm:flex-row">
        <div className="grid gap-1.5">
          <CardTitle>Domains</CardTitle>
          <CardDescription>
            Serve this project at domains you own. A TXT record proves each one is yours; then the edge serves it.
          </CardDescription>
        </div>
        {addButton}
      </CardHeader>
      <div className="border-t">
        {domains.isPending ? (
          <div className="grid gap-3 p-6" role="status" aria-label="Loading domains">
            <Skeleton className="h-16" />
            <Skeleton className="h-16" />
          </div>
        ) : domains.isError ? (
          <div className="p-6">
            <ErrorState error={domains.error} onRetry={() => void domains.refetch()} />
          </div>
        ) : domains.data.length === 0 ? (
          <EmptyState
            icon={Globe}
            title="No custom domains"
            description={`Visitors reach this project at ${productionHostOf(project)}. Add www.example.com, example.com or *.example.com to serve it at your own.`}
          />
        ) : (
          <ul className="divide-y" aria-label="Domains">
            {domains.data.map((domain) => (
              <DomainItem
                key={domain.id}
                project={project}
                domain={domain}
                domains={domains.data}
                canManage={canManage}
              />
            ))}
          </ul>
        )}
      </div>
    </Card>
  );
}
