import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Session, signUp, startTestPlatform, type TestPlatform, testStores } from "../../testing/harness.ts";

describe.each(testStores)("teams on %s", (store) => {
  let platform: TestPlatform;
  let owner: Session;

  beforeAll(async () => {
    platform = await startTestPlatform(store);
    owner = await signUp(platform.url, { name: "Owner" });
  });
  afterAll(() => platform?.destroy());

  async function newTeam(name = "Acme") {
    const res = await owner.call("POST", "/api/v1/teams", { name });
    expect(res.status).toBe(201);
    return res.body as { id: string; slug: string };
  }

  it("creates a team with a slug from its name and makes the creator owner", async () => {
    const res = await owner.call("POST", "/api/v1/teams", { name: "Rocket Science Inc." });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: "Rocket Science Inc.",
      slug: "rocket-science-inc",
      role: "owner",
      isPersonal: false,
    });
    const list = await owner.call("GET", "/api/v1/teams");
    expect(list.body.items.map((t: { name: string }) => t.name)).toContain("Rocket Science Inc.");
    expect(list.body.items[0].isPersonal).toBe(true);
  });

  it("refuses a slug another team has, and renames a team", async () => {
    const a = await newTeam("Alpha");
    const b = await newTeam("Beta");
    const clash = await owner.call("PATCH", `/api/v1/teams/${b.id}`, { slug: a.slug });
    expect(clash.status).toBe(409);
    expect(clash.body.error.details).toEqual({ field: "slug" });
    const renamed = await owner.call("PATCH", `/api/v1/teams/${b.id}`, { name: "Beta Two", slug: "beta-two" });
    expect(renamed.body).toMatchObject({ name: "Beta Two", slug: "beta-two" });
    expect((await owner.call("PATCH", `/api/v1/teams/${b.id}`, {})).status).toBe(400);
  });

  it("adds existing accounts as members with a role and lists them", async () => {
    const team = await newTeam();
    const dev = await signUp(platform.url);
    const added = await owner.call("POST", `/api/v1/teams/${team.id}/members`, { email: dev.email, role: "developer" });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ email: dev.email, role: "developer" });
    expect(
      (await owner.call("POST", `/api/v1/teams/${team.id}/members`, { email: dev.email, role: "viewer" })).status,
    ).toBe(409);
    expect(
      (await owner.call("POST", `/api/v1/teams/${team.id}/members`, { email: "ghost@example.com", role: "viewer" }))
        .status,
    ).toBe(404);
    const members = await dev.call("GET", `/api/v1/teams/${team.id}/members`);
    expect(members.body.items.map((m: { email: string }) => m.email).sort()).toEqual([dev.email, owner.email].sort());
    const devView = (await dev.call("GET", "/api/v1/me")).body.teams.find((t: { id: string }) => t.id === team.id);
    expect(devView.role).toBe("developer");
    expect(devView.memberCount).toBe(2);
    expect(devView.permissions).not.toContain("members:manage");
  });

  it("pages through members with a cursor", async () => {
    const team = await newTeam();
    for (let i = 0; i < 4; i++) {
      const u = await signUp(platform.url);
      await owner.call("POST", `/api/v1/teams/${team.id}/members`, { email: u.email, role: "viewer" });
    }
    const first = await owner.call("GET", `/api/v1/teams/${team.id}/members?limit=2`);
    expect(first.body.items).toHaveLength(2);
    const second = await owner.call("GET", `/api/v1/teams/${team.id}/members?limit=2&cursor=${first.body.nextCursor}`);
    const third = await owner.call("GET", `/api/v1/teams/${team.id}/members?limit=2&cursor=${second.body.nextCursor}`);
    const all = [...first.body.items, ...second.body.items, ...third.body.items].map(
      (m: { userId: string }) => m.userId,
    );
    expect(new Set(all).size).toBe(5);
    expect(third.body.nextCursor).toBeNull();
  });

  it("lets only an owner grant the owner role, and keeps one owner", async () => {
    const team = await newTeam();
    const admin = await signUp(platform.url);
    const other = await signUp(platform.url);
    await owner.call("POST", `/api/v1/teams/${team.id}/members`, { email: admin.email, role: "admin" });
    await owner.call("POST", `/api/v1/teams/${team.id}/members`, { email: other.email, role: "viewer" });
    const escalate = await admin.call("PATCH", `/api/v1/teams/${team.id}/members/${admin.userId}`, { role: "owner" });
    expect(escalate.status).toBe(403);
    expect(
      (await admin.call("PATCH", `/api/v1/teams/${team.id}/members/${other.userId}`, { role: "developer" })).status,
    ).toBe(200);
    expect((await admin.call("DELETE", `/api/v1/teams/${team.id}/members/${owner.userId}`)).status).toBe(403);
    const demoteLast = await owner.call("PATCH", `/api/v1/teams/${team.id}/members/${owner.userId}`, { role: "admin" });
    expect(demoteLast.status).toBe(409);
    expect((await owner.call("POST", `/api/v1/teams/${team.id}/leave`)).status).toBe(409);
  });

  it("lets a member leave, after which the team is gone for them", async () => {
    const team = await newTeam();
    const member = await signUp(platform.url);
    await owner.call("POST", `/api/v1/teams/${team.id}/members`, { email: member.email, role: "developer" });
    expect((await member.call("POST", `/api/v1/teams/${team.id}/leave`)).status).toBe(204);
    expect((await member.call("GET", `/api/v1/teams/${team.id}`)).status).toBe(404);
  });

  it("never lets anyone leave or delete a personal team, whose creation is in its audit log", async () => {
    const audit = await owner.call("GET", `/api/v1/teams/${owner.personalTeamId}/audit?action=team.create`);
    expect(audit.body.items).toEqual([
      expect.objectContaining({ actor: { type: "system", id: null, label: "Slipway" }, result: "success" }),
    ]);
    expect((await owner.call("POST", `/api/v1/teams/${owner.personalTeamId}/leave`)).status).toBe(409);
    expect((await owner.call("DELETE", `/api/v1/teams/${owner.personalTeamId}`)).status).toBe(409);
  });

  it("deletes a team, and records it all in the audit log", async () => {
    const team = await newTeam("Short-lived");
    await owner.call("PATCH", `/api/v1/teams/${team.id}`, { name: "Shorter-lived" });
    const audit = await owner.call("GET", `/api/v1/teams/${team.id}/audit`);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(["team.update", "team.create"]);
    expect(audit.body.items[0]).toMatchObject({
      actor: { type: "user", id: owner.userId, label: owner.email },
      resource: { type: "team", id: team.id },
      result: "success",
      ip: "127.0.0.1",
    });
    expect((await owner.call("DELETE", `/api/v1/teams/${team.id}`)).status).toBe(204);
    expect((await owner.call("GET", `/api/v1/teams/${team.id}`)).status).toBe(404);
  });

  it("filters the audit log by action, actor, result and time", async () => {
    const team = await newTeam();
    const viewer = await signUp(platform.url);
    await owner.call("POST", `/api/v1/teams/${team.id}/members`, { email: viewer.email, role: "viewer" });
    expect((await viewer.call("PATCH", `/api/v1/teams/${team.id}`, { name: "Hijacked" })).status).toBe(403);
    const q = (query: string) => owner.call("GET", `/api/v1/teams/${team.id}/audit?${query}`);
    expect((await q("action=member.")).body.items.map((e: { action: string }) => e.action)).toEqual(["member.add"]);
    const denied = (await q("result=denied")).body.items;
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({ action: "access.denied", actor: { id: viewer.userId } });
    expect((await q(`actor=${encodeURIComponent(viewer.email)}`)).body.items).toHaveLength(1);
    expect(
      (await q(`from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).body.items,
    ).toHaveLength(0);
    expect((await q("from=yesterday")).status).toBe(400);
  });
});
