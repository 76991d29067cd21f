import type { RedirectStatus } from "@slipway/contracts";
import { eq } from "drizzle-orm";
import { normalizeHost, type RouteEntry, type RouteTarget } from "../../edge/route-table.ts";
import type { Db } from "../../platform/db.ts";
import { branchAliasHost, branchSlug, type EdgeAddress, productionHost } from "../deployments/hostnames.ts";
import { projects } from "../projects/projects.tables.ts";
import { domains } from "./domains.tables.ts";

/** A verified custom domain as the edge (and TLS) needs it. */
export type DomainRoute = {
  host: string;
  projectId: string;
  /** Null serves production. */
  branch: string | null;
  /** Set: answer with a redirect to this host instead of serving a deployment. */
  redirect: { to: string; status: RedirectStatus } | null;
  httpsRedirect: boolean;
};

async function loadVerified(db: Db) {
  const rows = await db
    .select({ domain: domains, slug: projects.slug })
    .from(domains)
    .innerJoin(projects, eq(projects.id, domains.projectId))
    .where(eq(domains.status, "verified"));
  return rows.map(({ domain, slug }) => ({
    slug,
    route: {
      host: domain.hostname,
      projectId: domain.projectId,
      branch: domain.branch,
      redirect:
        domain.redirectTo !== null && domain.redirectStatus !== null
          ? { to: domain.redirectTo, status: domain.redirectStatus as RedirectStatus }
          : null,
      httpsRedirect: domain.httpsRedirect,
    } satisfies DomainRoute,
  }));
}

/** Every verified domain: only these are served. */
export async function loadDomainRoutes(db: Db): Promise<DomainRoute[]> {
  return (await loadVerified(db)).map((v) => v.route);
}

/**
 * The route table entries of verified domains, given the deployment entries already built: a
 * domain serves what its project's production host (or its branch's preview host) serves, and
 * nothing while that host has no deployment; a redirect domain redirects.
 */
export async function domainRouteEntries(
  deps: { db: Db; edge: EdgeAddress },
  deploymentEntries: readonly RouteEntry[],
): Promise<RouteEntry[]> {
  const served = new Map<string, RouteTarget>(deploymentEntries.map((e) => [normalizeHost(e.host), e.target]));
  const entries: RouteEntry[] = [];
  for (const { slug, route } of await loadVerified(deps.db)) {
    if (route.redirect) {
      entries.push({
        host: route.host,
        target: {
          kind: "redirect",
          deploymentId: "redirect",
          location: route.redirect.to,
          status: route.redirect.status,
          httpsOnly: route.httpsRedirect,
        },
      });
      continue;
    }
    const host = route.branch
      ? branchAliasHost(slug, branchSlug(route.branch), deps.edge)
      : productionHost(slug, deps.edge);
    const target = served.get(normalizeHost(host));
    if (target)
      entries.push({ host: route.host, target: route.httpsRedirect ? { ...target, httpsOnly: true } : target });
  }
  return entries;
}
