import { type BuiltInRole, builtInRoles, type Permission, roleHasPermission } from "@slipway/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, type Session, signUp, startTestPlatform, type TestPlatform, testStores } from "../testing/harness.ts";
import type { DeclaredRoute } from "./http.ts";

/**
 * Walks every /api/v1 route × every built-in role × own team / another team, as a session and
 * as a token carrying all of the role's permissions. A route the matrix does not know how to
 * call fails the test, so new routes join the matrix by declaring their access.
 */
describe.each(testStores)("access matrix on %s", (store) => {
  let platform: TestPlatform;
  let creator: Session;
  const members = new Map<BuiltInRole, Session>();
  let outsider: Session;

  beforeAll(async () => {
    platform = await startTestPlatform(store, { apiRateLimit: 100_000 });
    creator = await signUp(platform.url, { name: "Creator" });
    for (const role of builtInRoles) members.set(role, role === "owner" ? creator : await signUp(platform.url));
    outsider = await signUp(platform.url, { name: "Outsider" });
  });
  afterAll(() => platform?.destroy());

  /** A fresh team per case: some routes (delete, leave) change it. */
  async function teamWithRoles(): Promise<string> {
    const team = (await creator.call("POST", "/api/v1/teams", { name: "Matrix" })).body.id as string;
    for (const [role, session] of members) {
      if (role === "owner") continue;
      const res = await creator.call("POST", `/api/v1/teams/${team}/members`, { email: session.email, role });
      expect(res.status).toBe(201);
    }
    return team;
  }

  let shared: string | null = null;
  async function sharedTeam(): Promise<string> {
    shared ??= await teamWithRoles();
    return shared;
  }

  function pathFor(route: DeclaredRoute, teamId: string): string {
    return route.url.replace(":teamId", teamId).replace(/:(\w+)/g, "$1_doesnotexist");
  }
  // An unknown field: with the permission the route answers 400, never a change.
  const bodyFor = (route: DeclaredRoute) =>
    ["POST", "PATCH", "PUT"].includes(route.method) ? { matrixProbe: true } : undefined;

  it("has routes to walk", () => {
    expect(platform.app.declaredRoutes.length).toBeGreaterThan(10);
  });

  it("answers every team route by role, and 404 for another team", { timeout: 300_000 }, async () => {
    const teamRoutes = platform.app.declaredRoutes.filter(
      (r): r is DeclaredRoute & { access: { team: Permission } } => typeof r.access === "object",
    );
    const failures: string[] = [];
    for (const route of teamRoutes) {
      for (const role of builtInRoles) {
        // A route that changes its team (delete, leave) gets fresh teams: one for the session, one for the token.
        const isDestructive = route.method === "DELETE" || route.url.endsWith("/leave");
        const teamId = isDestructive ? await teamWithRoles() : await sharedTeam();
        const tokenTeamId = isDestructive ? await teamWithRoles() : teamId;
        const session = members.get(role) as Session;
        const tokenRes = await session.call("POST", `/api/v1/teams/${tokenTeamId}/tokens`, {
          name: "matrix",
          scopes: (await session.call("GET", `/api/v1/teams/${tokenTeamId}`)).body.permissions,
          expiresInDays: 1,
        });
        const path = pathFor(route, teamId);
        const body = bodyFor(route);
        const allowed = roleHasPermission(role, route.access.team);
        const asSession = await call(platform.url, route.method, path, { cookie: session.cookie, body });
        const secret = tokenRes.body.secret as string | undefined;
        const asToken = secret
          ? await call(platform.url, route.method, pathFor(route, tokenTeamId), { token: secret, body })
          : null;
        for (const [actor, res] of [
          ["session", asSession],
          ["token", asToken],
        ] as const) {
          if (!res) continue;
          const label = `${route.method} ${route.url} as ${role} (${actor}) → ${res.status} ${JSON.stringify(res.body)}`;
          const isTeamHidden = res.status === 404 && res.body?.error?.message === "team not found";
          if (allowed && (res.status === 401 || res.status === 403 || isTeamHidden || res.status >= 500))
            failures.push(label);
          if (!allowed && res.status !== 403) failures.push(label);
        }
        const foreign = await call(platform.url, route.method, pathFor(route, outsider.personalTeamId), {
          cookie: session.cookie,
          body,
        });
        if (foreign.status !== 404)
          failures.push(`${route.method} ${route.url} on another team as ${role} → ${foreign.status}`);
        const anonymous = await call(platform.url, route.method, path, { body });
        if (anonymous.status !== 401) failures.push(`${route.method} ${route.url} anonymous → ${anonymous.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("guards the routes that are not about one team", async () => {
    const { body: token } = await creator.call("POST", `/api/v1/teams/${creator.personalTeamId}/tokens`, {
      name: "matrix",
      scopes: ["team:read"],
      expiresInDays: 1,
    });
    const nonOwner = members.get("viewer") as Session;
    const failures: string[] = [];
    for (const route of platform.app.declaredRoutes) {
      if (typeof route.access === "object" || route.access === "public") continue;
      const path = pathFor(route, "none");
      const body = bodyFor(route);
      const anonymous = await call(platform.url, route.method, path, { body });
      if (anonymous.status !== 401) failures.push(`${route.method} ${route.url} anonymous → ${anonymous.status}`);
      if (route.access === "session") {
        const res = await call(platform.url, route.method, path, { token: token.secret, body });
        if (res.status !== 403) failures.push(`${route.method} ${route.url} with a token → ${res.status}`);
      }
      if (route.access === "instance-owner") {
        const res = await call(platform.url, route.method, path, { cookie: nonOwner.cookie, body });
        if (res.status !== 403) failures.push(`${route.method} ${route.url} as a non-owner → ${res.status}`);
        const ok = await call(platform.url, route.method, path, { cookie: creator.cookie, body });
        if (ok.status === 401 || ok.status === 403)
          failures.push(`${route.method} ${route.url} as the owner → ${ok.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("writes an audit record for every denied check", async () => {
    const teamId = await teamWithRoles();
    const viewer = members.get("viewer") as Session;
    await viewer.call("DELETE", `/api/v1/teams/${teamId}`);
    const audit = await creator.call("GET", `/api/v1/teams/${teamId}/audit?result=denied`);
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        action: "access.denied",
        actor: expect.objectContaining({ id: viewer.userId }),
        resource: { type: "route", id: "DELETE /api/v1/teams/:teamId" },
        details: { reason: "missing permission team:delete" },
      }),
    ]);
  });
});
