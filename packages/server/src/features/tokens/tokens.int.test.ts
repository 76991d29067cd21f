import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, type Session, signUp, startTestPlatform, type TestPlatform, testStores } from "../../testing/harness.ts";
import { apiTokens } from "./tokens.tables.ts";

describe.each(testStores)("API tokens on %s", (store) => {
  let platform: TestPlatform;
  let owner: Session;
  let teamId: string;

  beforeAll(async () => {
    platform = await startTestPlatform(store);
    owner = await signUp(platform.url);
    teamId = (await owner.call("POST", "/api/v1/teams", { name: "Tokens Inc" })).body.id;
  });
  afterAll(() => platform?.destroy());

  async function createToken(session: Session, scopes: string[], extra: Record<string, unknown> = {}) {
    const res = await session.call("POST", `/api/v1/teams/${teamId}/tokens`, {
      name: "ci",
      scopes,
      expiresInDays: 30,
      ...extra,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { token: { id: string; start: string }; secret: string };
  }
  const asToken = (secret: string, method: string, path: string, body?: unknown) =>
    call(platform.url, method, path, { token: secret, body });

  it("shows the secret once, stores only its hash, and lists the token without it", async () => {
    const { token, secret } = await createToken(owner, ["team:read", "tokens:read"]);
    expect(secret).toMatch(/^slw_[0-9A-Za-z]{36}$/);
    expect(token.start).toBe(secret.slice(0, 8));
    const list = await owner.call("GET", `/api/v1/teams/${teamId}/tokens`);
    const listed = list.body.items.find((t: { id: string }) => t.id === token.id);
    expect(listed).toMatchObject({
      name: "ci",
      scopes: ["team:read", "tokens:read"],
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(JSON.stringify(list.body)).not.toContain(secret);
    const [row] = await platform.db.select().from(apiTokens).where(eq(apiTokens.id, token.id));
    expect(JSON.stringify(row)).not.toContain(secret);
  });

  it("acts as its creator within its scopes, and records when it was last used", async () => {
    const { token, secret } = await createToken(owner, ["team:read", "tokens:read"]);
    expect((await asToken(secret, "GET", `/api/v1/teams/${teamId}`)).status).toBe(200);
    const me = await asToken(secret, "GET", "/api/v1/me");
    expect(me.body).toMatchObject({ user: { email: owner.email }, token: { id: token.id, teamId } });
    expect(me.body.teams.map((t: { id: string }) => t.id)).toEqual([teamId]);
    expect(me.body.teams[0].permissions).toEqual(["team:read", "tokens:read"]);
    const denied = await asToken(secret, "PATCH", `/api/v1/teams/${teamId}`, { name: "Renamed by token" });
    expect(denied.status).toBe(403);
    expect(denied.body.error.details).toEqual({ permission: "team:update" });
    const listed = (await owner.call("GET", `/api/v1/teams/${teamId}/tokens`)).body.items.find(
      (t: { id: string }) => t.id === token.id,
    );
    expect(listed.lastUsedAt).not.toBeNull();
  });

  it("cannot reach another team, even one its creator belongs to", async () => {
    const { secret } = await createToken(owner, ["team:read"]);
    const other = await signUp(platform.url);
    expect((await asToken(secret, "GET", `/api/v1/teams/${owner.personalTeamId}`)).status).toBe(404);
    expect((await asToken(secret, "GET", `/api/v1/teams/${other.personalTeamId}`)).status).toBe(404);
  });

  it("cannot do what only a signed-in person can", async () => {
    const { secret } = await createToken(owner, ["team:read"]);
    expect((await asToken(secret, "POST", "/api/v1/teams", { name: "Made by a token" })).status).toBe(403);
  });

  it("never gets more scopes than its creator has", async () => {
    const dev = await signUp(platform.url);
    await owner.call("POST", `/api/v1/teams/${teamId}/members`, { email: dev.email, role: "developer" });
    const tooMuch = await dev.call("POST", `/api/v1/teams/${teamId}/tokens`, {
      name: "x",
      scopes: ["members:manage"],
      expiresInDays: null,
    });
    expect(tooMuch.status).toBe(403);
    expect(tooMuch.body.error.details).toEqual({ scopes: ["members:manage"] });
    // Scopes granted while the creator had them shrink when the creator is demoted.
    const { secret } = await createToken(dev, ["tokens:read", "tokens:create"]);
    expect((await asToken(secret, "GET", `/api/v1/teams/${teamId}/tokens`)).status).toBe(200);
    await owner.call("PATCH", `/api/v1/teams/${teamId}/members/${dev.userId}`, { role: "viewer" });
    expect((await asToken(secret, "GET", `/api/v1/teams/${teamId}/tokens`)).status).toBe(403);
    await owner.call("DELETE", `/api/v1/teams/${teamId}/members/${dev.userId}`);
    expect((await asToken(secret, "GET", "/api/v1/me")).status).toBe(401);
  });

  it("is refused at once when revoked or expired", async () => {
    const { token, secret } = await createToken(owner, ["team:read"]);
    expect((await asToken(secret, "GET", "/api/v1/me")).status).toBe(200);
    expect((await owner.call("DELETE", `/api/v1/teams/${teamId}/tokens/${token.id}`)).status).toBe(204);
    const refused = await asToken(secret, "GET", "/api/v1/me");
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toMatch(/invalid, expired or revoked/);

    const expiring = await createToken(owner, ["team:read"]);
    await platform.db
      .update(apiTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(apiTokens.id, expiring.token.id));
    expect((await asToken(expiring.secret, "GET", "/api/v1/me")).status).toBe(401);
  });

  it("lets a developer revoke their own token but not someone else's", async () => {
    const dev = await signUp(platform.url);
    await owner.call("POST", `/api/v1/teams/${teamId}/members`, { email: dev.email, role: "developer" });
    const own = await createToken(dev, ["team:read"]);
    const owners = await createToken(owner, ["team:read"]);
    expect((await dev.call("DELETE", `/api/v1/teams/${teamId}/tokens/${owners.token.id}`)).status).toBe(403);
    expect((await dev.call("DELETE", `/api/v1/teams/${teamId}/tokens/${own.token.id}`)).status).toBe(204);
    expect((await dev.call("DELETE", `/api/v1/teams/${teamId}/tokens/tok_doesnotexist`)).status).toBe(404);
  });

  it("refuses garbage, tokens with a bad checksum, and bad input", async () => {
    const { secret } = await createToken(owner, ["team:read"]);
    const typo = `${secret.slice(0, -1)}${secret.endsWith("a") ? "b" : "a"}`;
    expect((await asToken(typo, "GET", "/api/v1/me")).status).toBe(401);
    expect((await asToken("not-a-token", "GET", "/api/v1/me")).status).toBe(401);
    const bad = await owner.call("POST", `/api/v1/teams/${teamId}/tokens`, {
      name: "",
      scopes: ["nope"],
      expiresInDays: 0,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("validation_failed");
  });
});
