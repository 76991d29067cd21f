import {
  type CreateDomainInput,
  type Domain,
  type DomainStatus,
  maxDomainsPerProject,
  type RedirectStatus,
  type RoutingCheck,
  type UpdateDomainInput,
} from "@slipway/contracts";
import { and, asc, count, eq, gt, inArray, ne, sql } from "drizzle-orm";
import type { RequestContext } from "../../platform/access.ts";
import { recordAudit } from "../../platform/audit.ts";
import type { Db, Executor } from "../../platform/db.ts";
import { AppError, badRequest, conflict, notFound } from "../../platform/errors.ts";
import { newId, randomText } from "../../platform/ids.ts";
import type { Logger } from "../../platform/logger.ts";
import type { Outbox } from "../../platform/outbox.ts";
import { productionHost } from "../deployments/hostnames.ts";
import { loadProject, type ProjectRow } from "../projects/projects.service.ts";
import { projects } from "../projects/projects.tables.ts";
import type { DnsChecker, RoutingExpectation } from "./dns-check.ts";
import {
  challengeHostOf,
  challengeValueOf,
  cnameTargetOf,
  type DomainTargets,
  dnsRecordsFor,
  isApexHost,
  isWildcardHost,
  platformHostProblem,
} from "./domain-records.ts";
import { domains } from "./domains.tables.ts";

export type DomainsDeps = DomainTargets & {
  db: Db;
  outbox: Outbox;
  dns: DnsChecker;
  logger: Logger;
  /** Reloads the edge's route table; resolves once the change is in it. */
  onRoutesChanged(): Promise<void>;
};

type DomainRow = typeof domains.$inferSelect;
type Scope = { ctx: RequestContext; teamId: string; projectId: string };

/** How long after it was added an unverified domain is still checked in the background. */
export const recheckWindowMs = 48 * 60 * 60_000;

export function toDomain(row: DomainRow, projectSlug: string, targets: DomainTargets): Domain {
  return {
    id: row.id,
    projectId: row.projectId,
    hostname: row.hostname,
    isApex: isApexHost(row.hostname),
    isWildcard: isWildcardHost(row.hostname),
    branch: row.branch,
    redirect:
      row.redirectTo !== null && row.redirectStatus !== null
        ? { to: row.redirectTo, status: row.redirectStatus as RedirectStatus }
        : null,
    httpsRedirect: row.httpsRedirect,
    status: row.status as DomainStatus,
    records: dnsRecordsFor(row, projectSlug, targets),
    lastCheckedAt: row.lastCheckedAt?.toISOString() ?? null,
    lastCheckResult: row.lastCheckResult,
    routing: (row.routingCheck as RoutingCheck | null) ?? null,
    verifiedAt: row.verifiedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function listDomains(options: { teamId: string; projectId: string }, deps: DomainsDeps) {
  const project = await loadProject(options.teamId, options.projectId, deps.db);
  const rows = await deps.db
    .select()
    .from(domains)
    .where(eq(domains.projectId, project.id))
    .orderBy(asc(domains.createdAt), asc(domains.hostname));
  return rows.map((row) => toDomain(row, project.slug, deps));
}

async function loadDomain(tx: Executor, scope: { teamId: string; projectId: string }, domainId: string) {
  const [row] = await tx
    .select()
    .from(domains)
    .where(and(eq(domains.id, domainId), eq(domains.projectId, scope.projectId), eq(domains.teamId, scope.teamId)));
  if (!row) throw notFound("domain");
  return row;
}

export async function getDomain(
  options: { teamId: string; projectId: string; domainId: string },
  deps: DomainsDeps,
): Promise<Domain> {
  const project = await loadProject(options.teamId, options.projectId, deps.db);
  return toDomain(await loadDomain(deps.db, options, options.domainId), project.slug, deps);
}

/**
 * A redirect points at the project's production host or at another of its domains that
 * serves (not one that redirects again: no chains, no loops).
 */
async function assertRedirectTarget(
  tx: Executor,
  project: ProjectRow,
  hostname: string,
  to: string,
  deps: DomainsDeps,
) {
  if (to === hostname) throw badRequest("a domain can't redirect to itself", { field: "redirect" });
  const production = productionHost(project.slug, deps.edge);
  if (to === production) return;
  const [target] = await tx
    .select()
    .from(domains)
    .where(and(eq(domains.projectId, project.id), eq(domains.hostname, to)));
  if (!target)
    throw badRequest(`${to} is not a domain of this project; redirect to one of its domains or to ${production}`, {
      field: "redirect",
    });
  if (target.redirectTo !== null)
    throw badRequest(`${to} redirects itself; point at the domain it redirects to`, { field: "redirect" });
}

/** A domain others redirect to must keep serving: it can't redirect or go away first. */
async function redirectsTo(tx: Executor, row: DomainRow): Promise<string[]> {
  const sources = await tx
    .select({ hostname: domains.hostname })
    .from(domains)
    .where(and(eq(domains.projectId, row.projectId), eq(domains.redirectTo, row.hostname), ne(domains.id, row.id)));
  return sources.map((s) => s.hostname);
}

function audit(tx: Executor, scope: Scope, action: string, row: DomainRow, details: Record<string, unknown> = {}) {
  return recordAudit(tx, {
    actor: scope.ctx.actor,
    ip: scope.ctx.ip,
    teamId: scope.teamId,
    action,
    resource: { type: "domain", id: row.id },
    result: "success",
    details: { projectId: row.projectId, hostname: row.hostname, ...details },
  });
}

const targetDetails = (row: DomainRow) => ({
  branch: row.branch,
  redirect: row.redirectTo ? { to: row.redirectTo, status: row.redirectStatus } : null,
  httpsRedirect: row.httpsRedirect,
});

export async function addDomain(scope: Scope & { input: CreateDomainInput }, deps: DomainsDeps): Promise<Domain> {
  const { input } = scope;
  const problem = platformHostProblem(input.hostname, deps);
  if (problem) throw badRequest(problem, { field: "hostname" });
  const { row, project } = await deps.db.transaction(async (tx) => {
    const project = await loadProject(scope.teamId, scope.projectId, tx);
    const [held] = await tx.select({ n: count() }).from(domains).where(eq(domains.projectId, project.id));
    if ((held?.n ?? 0) >= maxDomainsPerProject)
      throw conflict(`a project holds at most ${maxDomainsPerProject} domains`);
    if (input.redirect) await assertRedirectTarget(tx, project, input.hostname, input.redirect.to, deps);
    // The unique index decides who gets a hostname, not a check before the insert.
    const [row] = await tx
      .insert(domains)
      .values({
        id: newId("dom"),
        teamId: scope.teamId,
        projectId: project.id,
        hostname: input.hostname,
        branch: input.branch,
        redirectTo: input.redirect?.to ?? null,
        redirectStatus: input.redirect?.status ?? null,
        httpsRedirect: input.httpsRedirect,
        verificationToken: randomText(32),
      })
      .onConflictDoNothing({ target: domains.hostname })
      .returning();
    if (!row) {
      const [holder] = await tx
        .select({ projectId: domains.projectId })
        .from(domains)
        .where(eq(domains.hostname, input.hostname));
      // Whose it is stays unsaid unless it is this project's own.
      throw conflict(
        holder?.projectId === project.id
          ? `${input.hostname} is already a domain of this project`
          : `${input.hostname} is already in use on this Slipway instance`,
        { field: "hostname" },
      );
    }
    await audit(tx, scope, "domain.add", row, targetDetails(row));
    await deps.outbox.emit(tx, {
      type: "domain.added",
      teamId: scope.teamId,
      payload: { projectId: project.id, domainId: row.id, hostname: row.hostname },
    });
    return { row, project };
  });
  return toDomain(row, project.slug, deps);
}

export async function updateDomain(
  scope: Scope & { domainId: string; input: UpdateDomainInput },
  deps: DomainsDeps,
): Promise<Domain> {
  const { input } = scope;
  const { row, project, before } = await deps.db.transaction(async (tx) => {
    const project = await loadProject(scope.teamId, scope.projectId, tx);
    const before = await loadDomain(tx, scope, scope.domainId);
    const isRetargeted = input.branch !== undefined || input.redirect !== undefined;
    const branch = isRetargeted ? (input.branch ?? null) : before.branch;
    const redirect = isRetargeted
      ? (input.redirect ?? null)
      : before.redirectTo
        ? { to: before.redirectTo, status: before.redirectStatus }
        : null;
    if (redirect) {
      await assertRedirectTarget(tx, project, before.hostname, redirect.to, deps);
      const sources = await redirectsTo(tx, before);
      if (sources.length > 0)
        throw badRequest(
          `${sources.join(", ")} redirect${sources.length === 1 ? "s" : ""} here; it must keep serving`,
          {
            field: "redirect",
          },
        );
    }
    const [row] = await tx
      .update(domains)
      .set({
        branch,
        redirectTo: redirect?.to ?? null,
        redirectStatus: redirect?.status ?? null,
        httpsRedirect: input.httpsRedirect ?? before.httpsRedirect,
        updatedAt: new Date(),
      })
      .where(eq(domains.id, before.id))
      .returning();
    if (!row) throw notFound("domain");
    await audit(tx, scope, "domain.update", row, { from: targetDetails(before), to: targetDetails(row) });
    return { row, project, before };
  });
  if (before.status === "verified") await deps.onRoutesChanged();
  return toDomain(row, project.slug, deps);
}

export async function removeDomain(scope: Scope & { domainId: string }, deps: DomainsDeps): Promise<void> {
  const row = await deps.db.transaction(async (tx) => {
    const row = await loadDomain(tx, scope, scope.domainId);
    const sources = await redirectsTo(tx, row);
    if (sources.length > 0)
      throw conflict(
        `${sources.join(", ")} redirect${sources.length === 1 ? "s" : ""} to ${row.hostname}; change or remove ${sources.length === 1 ? "it" : "them"} first`,
      );
    await tx.delete(domains).where(eq(domains.id, row.id));
    await audit(tx, scope, "domain.remove", row);
    await deps.outbox.emit(tx, {
      type: "domain.removed",
      teamId: scope.teamId,
      payload: { projectId: row.projectId, domainId: row.id, hostname: row.hostname },
    });
    return row;
  });
  if (row.status === "verified") await deps.onRoutesChanged();
}

/** Looks the domain's proof and routing up in DNS; no store access. */
async function lookUp(row: DomainRow, projectSlug: string, deps: DomainsDeps) {
  const expected: RoutingExpectation = isApexHost(row.hostname)
    ? { type: "A", ip: deps.publicIp }
    : { type: "CNAME", target: cnameTargetOf(projectSlug, deps), ip: deps.publicIp };
  const [proof, routing] = await Promise.all([
    deps.dns.checkProof(challengeHostOf(row.hostname), challengeValueOf(row.verificationToken)),
    deps.dns.checkRouting(row.hostname, expected),
  ]);
  return { proof, routing };
}

/**
 * Records one check. Proof found: verified (and the edge starts routing it). Proof missing: a
 * check someone asked for marks the domain failed, a background one leaves the status as it
 * was; a verified domain stays verified either way.
 */
async function recordCheck(
  row: DomainRow,
  found: Awaited<ReturnType<typeof lookUp>>,
  by: { scope: Scope } | { background: true },
  deps: DomainsDeps,
): Promise<{ row: DomainRow; isNewlyVerified: boolean }> {
  const now = new Date();
  const result = await deps.db.transaction(async (tx) => {
    const [current] = await tx.select().from(domains).where(eq(domains.id, row.id)).for("update");
    if (!current) throw notFound("domain");
    const isNewlyVerified = found.proof.isProven && current.status !== "verified";
    const status: DomainStatus =
      current.status === "verified" || found.proof.isProven
        ? "verified"
        : "scope" in by
          ? "failed"
          : (current.status as DomainStatus);
    const [updated] = await tx
      .update(domains)
      .set({
        status,
        lastCheckedAt: now,
        lastCheckResult: found.proof.result,
        routingCheck: found.routing,
        ...(isNewlyVerified ? { verifiedAt: now } : {}),
      })
      .where(eq(domains.id, current.id))
      .returning();
    if (!updated) throw notFound("domain");
    if ("scope" in by) await audit(tx, by.scope, "domain.verify", updated, { status, result: found.proof.result });
    else if (isNewlyVerified)
      await recordAudit(tx, {
        actor: { type: "system" },
        ip: null,
        teamId: updated.teamId,
        action: "domain.verify",
        resource: { type: "domain", id: updated.id },
        result: "success",
        details: { projectId: updated.projectId, hostname: updated.hostname, status, result: found.proof.result },
      });
    if (isNewlyVerified)
      await deps.outbox.emit(tx, {
        type: "domain.verified",
        teamId: updated.teamId,
        payload: { projectId: updated.projectId, domainId: updated.id, hostname: updated.hostname },
      });
    return { row: updated, isNewlyVerified };
  });
  if (result.isNewlyVerified) await deps.onRoutesChanged();
  return result;
}

/** Checks the domain's DNS now, as its owner asked, and says what was found. */
export async function verifyDomain(scope: Scope & { domainId: string }, deps: DomainsDeps): Promise<Domain> {
  const project = await loadProject(scope.teamId, scope.projectId, deps.db);
  const row = await loadDomain(deps.db, scope, scope.domainId);
  const found = await lookUp(row, project.slug, deps);
  const recorded = await recordCheck(row, found, { scope }, deps);
  return toDomain(recorded.row, project.slug, deps);
}

/**
 * The background check: every domain not verified yet and added in the last 48 hours, a few
 * at a time. Returns how many became verified.
 */
export async function recheckUnverifiedDomains(deps: DomainsDeps, options: { now?: Date } = {}): Promise<number> {
  const since = new Date((options.now ?? new Date()).getTime() - recheckWindowMs);
  const rows = await deps.db
    .select({ domain: domains, slug: projects.slug })
    .from(domains)
    .innerJoin(projects, eq(projects.id, domains.projectId))
    .where(and(inArray(domains.status, ["pending", "failed"]), gt(domains.createdAt, since)))
    // Never checked first, then the longest unchecked.
    .orderBy(sql`${domains.lastCheckedAt} asc nulls first`)
    .limit(500);
  let verified = 0;
  const queue = [...rows];
  async function worker() {
    for (let next = queue.shift(); next; next = queue.shift()) {
      try {
        const found = await lookUp(next.domain, next.slug, deps);
        if ((await recordCheck(next.domain, found, { background: true }, deps)).isNewlyVerified) verified++;
      } catch (error) {
        // One domain's trouble (it was removed meanwhile) must not stop the others' checks.
        if (!(error instanceof AppError && error.code === "not_found"))
          deps.logger.warn({ err: error, domainId: next.domain.id }, "domain re-check failed");
      }
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker));
  return verified;
}
