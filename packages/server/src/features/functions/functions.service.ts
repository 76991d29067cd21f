import { rm } from "node:fs/promises";
import { join } from "node:path";
import type {
  FunctionEnvVar,
  FunctionSettings,
  FunctionVersion,
  ServerlessFunction,
  UpdateFunctionInput,
} from "@slipway/contracts";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { RequestContext, TeamAccess } from "../../platform/access.ts";
import { recordAudit } from "../../platform/audit.ts";
import type { Db, Executor } from "../../platform/db.ts";
import { badRequest, notFound } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import type { Logger } from "../../platform/logger.ts";
import type { Outbox } from "../../platform/outbox.ts";
import type { Secrets } from "../../platform/secrets.ts";
import { deploymentHost, type EdgeAddress, urlOf } from "../deployments/hostnames.ts";
import { projects } from "../projects/projects.tables.ts";
import { errorStatuses } from "./function-invocations.ts";
import { functionEnvVars, functionInvocations, functions, functionVersions } from "./functions.tables.ts";

export type FunctionRow = typeof functions.$inferSelect;
export type FunctionVersionRow = typeof functionVersions.$inferSelect;

export type FunctionsDeps = {
  db: Db;
  outbox: Outbox;
  secrets: Secrets;
  edge: EdgeAddress;
  logger: Logger;
  /** `<dataDir>/functions`: each version's source and packaged code. */
  functionsDir: string;
  /** Reloads the gateway's table and the edge's routes; resolves once the change is in memory. */
  onChanged(): Promise<void>;
  /** Stops a deleted function's warm instances. */
  evict(functionId: string): Promise<void>;
};

export type Scope = { ctx: RequestContext; access: TeamAccess };

/** A function's host at the edge: `<function>--<project>.<edge domain>`, like a deployment's. */
export const functionHost = (name: string, projectSlug: string, edge: EdgeAddress) =>
  deploymentHost(name, projectSlug, edge);

export const functionDir = (deps: Pick<FunctionsDeps, "functionsDir">, functionId: string) =>
  join(deps.functionsDir, functionId);

const envSealFor = (envVarId: string) => `function-env:${envVarId}`;

type Stats = { invocations24h: number; errors24h: number; lastInvocationAt: Date | null };

/** Invocation counts of the last 24 hours and the last invocation, for several functions in one query. */
async function invocationStats(functionIds: string[], db: Executor): Promise<Map<string, Stats>> {
  if (functionIds.length === 0) return new Map();
  const t = functionInvocations;
  const recent = sql`${t.createdAt} > now() - interval '24 hours'`;
  const rows = await db
    .select({
      functionId: t.functionId,
      invocations24h: sql<number>`count(*) filter (where ${recent})`.mapWith(Number),
      errors24h: sql<number>`count(*) filter (where ${recent} and ${inArray(t.status, [...errorStatuses])})`.mapWith(
        Number,
      ),
      lastInvocationAt: sql<Date | null>`max(${t.createdAt})`.mapWith(t.createdAt),
    })
    .from(t)
    .where(inArray(t.functionId, functionIds))
    .groupBy(t.functionId);
  return new Map(rows.map((row) => [row.functionId, row]));
}

type Listed = { fn: FunctionRow; projectSlug: string; productionVersion: number | null };

function toFunction(row: Listed, stats: Stats | undefined, edge: EdgeAddress): ServerlessFunction {
  const { fn } = row;
  const invocations = stats?.invocations24h ?? 0;
  return {
    id: fn.id,
    teamId: fn.teamId,
    projectId: fn.projectId,
    projectSlug: row.projectSlug,
    name: fn.name,
    runtime: fn.runtime as ServerlessFunction["runtime"],
    entry: fn.entry,
    settings: fn.settings,
    url: urlOf(functionHost(fn.name, row.projectSlug, edge), edge),
    productionVersionId: fn.productionVersionId,
    productionVersion: row.productionVersion,
    lastInvocationAt: stats?.lastInvocationAt?.toISOString() ?? null,
    invocations24h: invocations,
    errorRate24h: invocations > 0 ? (stats?.errors24h ?? 0) / invocations : null,
    createdAt: fn.createdAt.toISOString(),
    updatedAt: fn.updatedAt.toISOString(),
  };
}

export function toVersion(row: FunctionVersionRow, productionVersionId: string | null): FunctionVersion {
  return {
    id: row.id,
    functionId: row.functionId,
    number: row.number,
    status: row.status as FunctionVersion["status"],
    runtime: row.runtime as FunctionVersion["runtime"],
    entry: row.entry,
    error: row.error,
    sizeBytes: row.sizeBytes,
    buildMs: row.buildMs,
    isProduction: row.id === productionVersionId,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}

async function listRows(where: ReturnType<typeof and>, db: Executor): Promise<Listed[]> {
  return db
    .select({ fn: functions, projectSlug: projects.slug, productionVersion: functionVersions.number })
    .from(functions)
    .innerJoin(projects, eq(projects.id, functions.projectId))
    .leftJoin(functionVersions, eq(functionVersions.id, functions.productionVersionId))
    .where(where)
    .orderBy(asc(projects.slug), asc(functions.name));
}

export async function listFunctions(
  options: { teamId: string; projectId?: string | undefined },
  deps: Pick<FunctionsDeps, "db" | "edge">,
): Promise<ServerlessFunction[]> {
  const rows = await listRows(
    and(
      eq(functions.teamId, options.teamId),
      options.projectId ? eq(functions.projectId, options.projectId) : undefined,
    ),
    deps.db,
  );
  const stats = await invocationStats(
    rows.map((r) => r.fn.id),
    deps.db,
  );
  return rows.map((row) => toFunction(row, stats.get(row.fn.id), deps.edge));
}

/** A function of the team, or 404: another team's function does not exist for this caller. */
export async function loadFunctionRow(teamId: string, functionId: string, db: Executor): Promise<FunctionRow> {
  const [row] = await db
    .select()
    .from(functions)
    .where(and(eq(functions.id, functionId), eq(functions.teamId, teamId)));
  if (!row) throw notFound("function");
  return row;
}

export async function getFunction(
  teamId: string,
  functionId: string,
  deps: Pick<FunctionsDeps, "db" | "edge">,
): Promise<ServerlessFunction> {
  const [row] = await listRows(and(eq(functions.id, functionId), eq(functions.teamId, teamId)), deps.db);
  if (!row) throw notFound("function");
  const stats = await invocationStats([row.fn.id], deps.db);
  return toFunction(row, stats.get(row.fn.id), deps.edge);
}

export function auditFunction(
  tx: Executor,
  scope: Scope,
  action: string,
  functionId: string,
  details?: Record<string, unknown>,
) {
  return recordAudit(tx, {
    actor: scope.ctx.actor,
    ip: scope.ctx.ip,
    teamId: scope.access.teamId,
    action,
    resource: { type: "function", id: functionId },
    result: "success",
    ...(details ? { details } : {}),
  });
}

/** A destination function must be another function of the same team: 400 otherwise. */
export async function checkDestinations(
  settings: FunctionSettings,
  options: { teamId: string; functionId: string | null },
  db: Executor,
): Promise<void> {
  for (const [field, destination] of [
    ["onSuccess", settings.async.onSuccess],
    ["onFailure", settings.async.onFailure],
  ] as const) {
    if (destination?.type !== "function") continue;
    if (destination.functionId === options.functionId)
      throw badRequest("a function cannot be its own destination", { field: `settings.async.${field}` });
    const [found] = await db
      .select({ id: functions.id })
      .from(functions)
      .where(and(eq(functions.id, destination.functionId), eq(functions.teamId, options.teamId)));
    if (!found)
      throw badRequest(`the destination function ${destination.functionId} is not a function of this team`, {
        field: `settings.async.${field}`,
      });
  }
}

export async function updateFunction(
  scope: Scope & { functionId: string; input: UpdateFunctionInput },
  deps: FunctionsDeps,
): Promise<ServerlessFunction> {
  const { input } = scope;
  await deps.db.transaction(async (tx) => {
    const current = await loadFunctionRow(scope.access.teamId, scope.functionId, tx);
    const { async: asyncInput, ...rest } = input.settings ?? {};
    const settings: FunctionSettings = {
      ...current.settings,
      ...rest,
      async: { ...current.settings.async, ...asyncInput },
    };
    await checkDestinations(settings, { teamId: scope.access.teamId, functionId: current.id }, tx);
    await tx
      .update(functions)
      .set({ settings, entry: input.entry ?? current.entry, updatedAt: new Date() })
      .where(eq(functions.id, current.id));
    await auditFunction(tx, scope, "function.update", current.id, {
      name: current.name,
      changed: [...Object.keys(input.settings ?? {}), ...(input.entry ? ["entry"] : [])],
    });
  });
  await deps.onChanged();
  return getFunction(scope.access.teamId, scope.functionId, deps);
}

export async function deleteFunction(scope: Scope & { functionId: string }, deps: FunctionsDeps): Promise<void> {
  const row = await deps.db.transaction(async (tx) => {
    const current = await loadFunctionRow(scope.access.teamId, scope.functionId, tx);
    await tx.delete(functions).where(eq(functions.id, current.id));
    await auditFunction(tx, scope, "function.delete", current.id, { name: current.name });
    await deps.outbox.emit(tx, {
      type: "function.deleted",
      teamId: scope.access.teamId,
      payload: { functionId: current.id, projectId: current.projectId, name: current.name },
    });
    return current;
  });
  await deps.onChanged();
  await deps.evict(row.id);
  await rm(functionDir(deps, row.id), { recursive: true, force: true });
}

function toEnvVar(row: typeof functionEnvVars.$inferSelect, secrets: Secrets): FunctionEnvVar {
  return {
    key: row.key,
    value: row.isSensitive ? null : secrets.open(row.valueSealed, envSealFor(row.id)),
    isSensitive: row.isSensitive,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function listFunctionEnv(
  teamId: string,
  functionId: string,
  deps: Pick<FunctionsDeps, "db" | "secrets">,
): Promise<FunctionEnvVar[]> {
  const fn = await loadFunctionRow(teamId, functionId, deps.db);
  const rows = await deps.db
    .select()
    .from(functionEnvVars)
    .where(eq(functionEnvVars.functionId, fn.id))
    .orderBy(asc(functionEnvVars.key));
  return rows.map((row) => toEnvVar(row, deps.secrets));
}

/** The function's own variables, decrypted: what a new version is given on top of the project's. */
export async function openFunctionEnv(functionId: string, deps: Pick<FunctionsDeps, "db" | "secrets">) {
  const rows = await deps.db.select().from(functionEnvVars).where(eq(functionEnvVars.functionId, functionId));
  return Object.fromEntries(rows.map((row) => [row.key, deps.secrets.open(row.valueSealed, envSealFor(row.id))]));
}

export async function setFunctionEnvVar(
  scope: Scope & { functionId: string; key: string; value: string; isSensitive: boolean },
  deps: Pick<FunctionsDeps, "db" | "secrets">,
): Promise<FunctionEnvVar> {
  return deps.db.transaction(async (tx) => {
    const fn = await loadFunctionRow(scope.access.teamId, scope.functionId, tx);
    const [existing] = await tx
      .select()
      .from(functionEnvVars)
      .where(and(eq(functionEnvVars.functionId, fn.id), eq(functionEnvVars.key, scope.key)));
    const id = existing?.id ?? newId("fenv");
    const values = {
      valueSealed: deps.secrets.seal(scope.value, envSealFor(id)),
      isSensitive: scope.isSensitive,
      updatedAt: new Date(),
    };
    const [row] = existing
      ? await tx.update(functionEnvVars).set(values).where(eq(functionEnvVars.id, id)).returning()
      : await tx
          .insert(functionEnvVars)
          .values({ id, functionId: fn.id, key: scope.key, ...values })
          .returning();
    if (!row) throw new Error("function env write returned nothing");
    // The key, never the value.
    await auditFunction(tx, scope, existing ? "function.env.update" : "function.env.create", fn.id, {
      key: scope.key,
    });
    return toEnvVar(row, deps.secrets);
  });
}

export async function deleteFunctionEnvVar(
  scope: Scope & { functionId: string; key: string },
  deps: Pick<FunctionsDeps, "db">,
): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const fn = await loadFunctionRow(scope.access.teamId, scope.functionId, tx);
    const [row] = await tx
      .delete(functionEnvVars)
      .where(and(eq(functionEnvVars.functionId, fn.id), eq(functionEnvVars.key, scope.key)))
      .returning();
    if (!row) throw notFound("environment variable");
    await auditFunction(tx, scope, "function.env.delete", fn.id, { key: scope.key });
  });
}
