import type { CreateEnvVarInput, EnvVar } from "@slipway/contracts";
import { and, asc, eq } from "drizzle-orm";
import type { RequestContext } from "../../platform/access.ts";
import { recordAudit } from "../../platform/audit.ts";
import type { Db, Executor } from "../../platform/db.ts";
import { conflict, notFound } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import type { Secrets } from "../../platform/secrets.ts";
import { projects } from "../projects/projects.tables.ts";
import { envVars } from "./env.tables.ts";

export type EnvDeps = { db: Db; secrets: Secrets };

type EnvRow = typeof envVars.$inferSelect;
type Scope = { ctx: RequestContext; teamId: string; projectId: string };

const sealFor = (id: string) => `env:${id}`;

function toEnvVar(row: EnvRow, deps: EnvDeps): EnvVar {
  return {
    id: row.id,
    key: row.key,
    value: row.isSensitive ? null : deps.secrets.open(row.valueSealed, sealFor(row.id)),
    isSensitive: row.isSensitive,
    targets: row.targets as EnvVar["targets"],
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function listEnvVars(projectId: string, deps: EnvDeps): Promise<EnvVar[]> {
  const rows = await deps.db.select().from(envVars).where(eq(envVars.projectId, projectId)).orderBy(asc(envVars.key));
  return rows.map((row) => toEnvVar(row, deps));
}

/** One key may have a value per target, but no target gets two values of one key. */
async function assertTargetsFree(tx: Executor, projectId: string, key: string, targets: string[], exceptId?: string) {
  const siblings = await tx
    .select()
    .from(envVars)
    .where(and(eq(envVars.projectId, projectId), eq(envVars.key, key)));
  const clash = siblings.find((s) => s.id !== exceptId && s.targets.some((t) => targets.includes(t)));
  if (clash) {
    const shared = clash.targets.filter((t) => targets.includes(t));
    throw conflict(`${key} already has a value for ${shared.join(", ")}`, { field: "targets" });
  }
}

async function markChanged(tx: Executor, projectId: string) {
  await tx.update(projects).set({ envChangedAt: new Date() }).where(eq(projects.id, projectId));
}

function audit(tx: Executor, scope: Scope, action: string, id: string, key: string) {
  return recordAudit(tx, {
    actor: scope.ctx.actor,
    ip: scope.ctx.ip,
    teamId: scope.teamId,
    action,
    resource: { type: "env_var", id },
    result: "success",
    // The key, never the value.
    details: { projectId: scope.projectId, key },
  });
}

export async function createEnvVar(scope: Scope & { input: CreateEnvVarInput }, deps: EnvDeps): Promise<EnvVar> {
  return deps.db.transaction(async (tx) => {
    await assertTargetsFree(tx, scope.projectId, scope.input.key, scope.input.targets);
    const id = newId("env");
    const [row] = await tx
      .insert(envVars)
      .values({
        id,
        projectId: scope.projectId,
        key: scope.input.key,
        valueSealed: deps.secrets.seal(scope.input.value, sealFor(id)),
        isSensitive: scope.input.isSensitive,
        targets: [...new Set(scope.input.targets)],
      })
      .returning();
    if (!row) throw new Error("env insert returned nothing");
    await markChanged(tx, scope.projectId);
    await audit(tx, scope, "env.create", id, row.key);
    return toEnvVar(row, deps);
  });
}

export async function updateEnvVar(
  scope: Scope & {
    envId: string;
    input: { value?: string | undefined; targets?: string[] | undefined; isSensitive?: true | undefined };
  },
  deps: EnvDeps,
): Promise<EnvVar> {
  return deps.db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(envVars)
      .where(and(eq(envVars.id, scope.envId), eq(envVars.projectId, scope.projectId)));
    if (!current) throw notFound("environment variable");
    const targets = scope.input.targets ? [...new Set(scope.input.targets)] : current.targets;
    await assertTargetsFree(tx, scope.projectId, current.key, targets, current.id);
    const [row] = await tx
      .update(envVars)
      .set({
        targets,
        ...(scope.input.value !== undefined
          ? { valueSealed: deps.secrets.seal(scope.input.value, sealFor(current.id)) }
          : {}),
        ...(scope.input.isSensitive ? { isSensitive: true } : {}),
        updatedAt: new Date(),
      })
      .where(eq(envVars.id, current.id))
      .returning();
    if (!row) throw notFound("environment variable");
    await markChanged(tx, scope.projectId);
    await audit(tx, scope, "env.update", row.id, row.key);
    return toEnvVar(row, deps);
  });
}

export async function deleteEnvVar(scope: Scope & { envId: string }, deps: EnvDeps): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .delete(envVars)
      .where(and(eq(envVars.id, scope.envId), eq(envVars.projectId, scope.projectId)))
      .returning();
    if (!row) throw notFound("environment variable");
    await markChanged(tx, scope.projectId);
    await audit(tx, scope, "env.delete", row.id, row.key);
  });
}

/** What a build of this environment gets: every value for its target, and which values to mask in logs. */
export async function envForBuild(
  projectId: string,
  target: "production" | "preview" | "development",
  deps: EnvDeps,
): Promise<{ env: Record<string, string>; secrets: string[] }> {
  const rows = await deps.db.select().from(envVars).where(eq(envVars.projectId, projectId));
  const env: Record<string, string> = {};
  const secrets: string[] = [];
  for (const row of rows) {
    if (!row.targets.includes(target)) continue;
    const value = deps.secrets.open(row.valueSealed, sealFor(row.id));
    env[row.key] = value;
    if (row.isSensitive) secrets.push(value);
  }
  return { env, secrets };
}
