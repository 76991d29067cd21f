import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchFromEdge } from "../testing/deploy-fixtures.ts";
import { call, type Session, signUp, startTestPlatform, type TestPlatform } from "../testing/harness.ts";

// Transport behaviour is the same on both stores; PGlite keeps this file quick.
describe("the HTTP API", () => {
  let platform: TestPlatform;
  let user: Session;

  beforeAll(async () => {
    platform = await startTestPlatform("pglite");
    user = await signUp(platform.url);
  });
  afterAll(() => platform?.destroy());

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    call(platform.url, "POST", path, {
      cookie: user.cookie,
      body,
      headers: { "content-type": "application/json", ...headers },
    });

  function expectErrorShape(body: unknown, code: string) {
    expect(body).toEqual({
      error: expect.objectContaining({ code, message: expect.any(String), requestId: expect.stringMatching(/^req_/) }),
    });
    expect(JSON.stringify(body)).not.toMatch(/at .+\.ts:\d+/);
  }

  it("answers malformed JSON with 400", async () => {
    const res = await post("/api/v1/teams", '{"name": ');
    expect(res.status).toBe(400);
    expectErrorShape(res.body, "bad_request");
  });

  it("answers unknown fields and wrong types with 400 naming the field", async () => {
    const unknown = await post("/api/v1/teams", JSON.stringify({ name: "x", plan: "enterprise" }));
    expect(unknown.status).toBe(400);
    expectErrorShape(unknown.body, "validation_failed");
    const wrongType = await post("/api/v1/teams", JSON.stringify({ name: 42 }));
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.message).toMatch(/name/);
    const badQuery = await call(platform.url, "GET", `/api/v1/teams/${user.personalTeamId}/tokens?limit=5000`, {
      cookie: user.cookie,
    });
    expect(badQuery.status).toBe(400);
  });

  it("answers an oversize body with 413 and a foreign content type with 415", async () => {
    const big = await post("/api/v1/teams", JSON.stringify({ name: "x".repeat(2 * 1024 * 1024) }));
    expect(big.status).toBe(413);
    expectErrorShape(big.body, "payload_too_large");
    const xml = await post("/api/v1/teams", "<team/>", { "content-type": "application/xml" });
    expect(xml.status).toBe(415);
    expectErrorShape(xml.body, "unsupported_media_type");
  });

  it("answers an unknown API path with a JSON 404 and a bad cursor with 400", async () => {
    const res = await call(platform.url, "GET", "/api/v1/nothing-here", { cookie: user.cookie });
    expect(res.status).toBe(404);
    expectErrorShape(res.body, "not_found");
    const cursor = await call(platform.url, "GET", `/api/v1/teams/${user.personalTeamId}/tokens?cursor=%%%`, {
      cookie: user.cookie,
    });
    expect(cursor.status).toBe(400);
  });

  it("serves an OpenAPI document that lists every route with its schemas", async () => {
    const res = await call(platform.url, "GET", "/api/v1/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    for (const route of platform.app.declaredRoutes) {
      if (route.url === "/api/v1/openapi.json") continue;
      const path = route.url.replace(/:(\w+)/g, "{$1}");
      expect(res.body.paths[path]?.[route.method.toLowerCase()], `${route.method} ${path}`).toBeDefined();
    }
    const create = res.body.paths["/api/v1/teams/{teamId}/tokens"].post;
    expect(create.requestBody.content["application/json"].schema.required).toEqual(["name", "scopes", "expiresInDays"]);
  });

  it("answers health and readiness probes", async () => {
    expect((await call(platform.url, "GET", "/healthz")).status).toBe(200);
    expect((await call(platform.url, "GET", "/readyz")).body).toEqual({ status: "ready", store: "pglite" });
  });

  it("answers visitors of the edge with a clear 404 page until something is deployed", async () => {
    const res = await fetchFromEdge(platform.edgeUrl, "http://my-app.localhost/");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    expect(await res.text()).toContain("my-app.localhost");
  });

  it("keeps secrets out of the database in plaintext", async () => {
    const { body } = await user.call("POST", `/api/v1/teams/${user.personalTeamId}/tokens`, {
      name: "dump",
      scopes: ["team:read"],
      expiresInDays: null,
    });
    await call(platform.url, "POST", "/api/auth/request-password-reset", {
      body: { email: user.email, redirectTo: "/reset-password" },
    });
    const mail = await user.call("GET", "/api/v1/system/mail");
    const text = (await user.call("GET", `/api/v1/system/mail/${mail.body.items[0].id}`)).body.text as string;
    const resetToken = /reset-password\/([^?\s]+)/.exec(text)?.[1] as string;
    expect(resetToken).toBeTruthy();
    const dump = JSON.stringify(
      await Promise.all(
        [
          "users",
          "accounts",
          "sessions",
          "verifications",
          "api_tokens",
          "mail_messages",
          "audit_log",
          "events",
          "jobs",
        ].map(async (table) => (await platform.db.execute(`select * from ${table}`)) as unknown),
      ),
    );
    expect(dump).not.toContain(body.secret);
    expect(dump).not.toContain(resetToken);
    expect(dump).not.toContain("correct-horse-battery-staple-9");
  });
});
