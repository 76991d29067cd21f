import { createPrivateKey } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { events } from "../../platform/platform.tables.ts";
import { exampleRepository, fetchFromEdge, waitForBuild } from "../../testing/deploy-fixtures.ts";
import { call, type Session, signUp, startTestPlatform, type TestPlatform, testStores } from "../../testing/harness.ts";
import { certificates } from "./certificates.tables.ts";
import {
  createTestAuthority,
  createTestIntermediate,
  createTestLeaf,
  type TestAuthority,
  weakRsaKeyPem,
} from "./test-certificates.ts";
import { fetchOverTls } from "./tls-fetch.ts";

const dayMs = 86_400_000;

describe.each(testStores)("certificates on %s", (store) => {
  let platform: TestPlatform;
  let user: Session;
  let teamId: string;
  let root: TestAuthority;
  let intermediate: TestAuthority;
  const path = () => `/api/v1/teams/${teamId}/certificates`;

  beforeAll(async () => {
    platform = await startTestPlatform(store);
    user = await signUp(platform.url);
    teamId = user.personalTeamId;
    root = await createTestAuthority();
    intermediate = await createTestIntermediate(root, "Slipway Test Intermediate");
  });
  afterAll(() => platform?.destroy());

  async function upload(hostnames: string[], options: { notBefore?: Date; days?: number } = {}) {
    const leaf = await createTestLeaf(intermediate, hostnames, options);
    return user.call("POST", path(), { certificate: leaf.pem, chain: intermediate.pem, privateKey: leaf.keyPem });
  }

  it("uploads a certificate with its chain and shows its names, issuer and expiry", async () => {
    const res = await upload(["shop.example.com", "www.shop.example.com"]);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      hostnames: ["shop.example.com", "www.shop.example.com"],
      source: "uploaded",
      status: "active",
      issuer: "CN=Slipway Test Intermediate",
      autoRenew: false,
      lastError: null,
      expiryAlertedAt: null,
    });
    expect(res.body.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(new Date(res.body.notAfter).getTime()).toBeGreaterThan(Date.now() + 80 * dayMs);
    expect(JSON.stringify(res.body)).not.toContain("PRIVATE KEY");

    const list = await user.call("GET", path());
    expect(list.body.items.map((c: { id: string }) => c.id)).toContain(res.body.id);
    const audit = await user.call("GET", `/api/v1/teams/${teamId}/audit?action=certificate.upload`);
    expect(audit.body.items[0]).toMatchObject({ resource: { type: "certificate", id: res.body.id } });
    const emitted = await platform.db.select().from(events).where(eq(events.type, "certificate.uploaded"));
    expect(emitted.some((e) => (e.payload as { certificateId: string }).certificateId === res.body.id)).toBe(true);
  });

  it("refuses what the edge could not serve, saying why", async () => {
    const good = await createTestLeaf(intermediate, ["good.example.com"]);
    const other = await createTestLeaf(intermediate, ["other.example.com"]);
    const stranger = await createTestIntermediate(await createTestAuthority("Other Root"), "Other Intermediate");
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ["not PEM", { certificate: "hello", privateKey: good.keyPem }, /not PEM/],
      ["a key that is not PEM", { certificate: good.pem, privateKey: "MIIEvQIBADANBg" }, /private key is not PEM/],
      ["another certificate's key", { certificate: good.pem, privateKey: other.keyPem }, /does not match/],
      ["a weak key", { certificate: good.pem, privateKey: weakRsaKeyPem() }, /RSA 1024-bit/],
      [
        "a chain from elsewhere",
        { certificate: good.pem, chain: stranger.pem, privateKey: good.keyPem },
        /chain is broken/,
      ],
      [
        "a chain in the wrong order",
        { certificate: good.pem, chain: `${root.pem}${intermediate.pem}`, privateKey: good.keyPem },
        /chain is broken/,
      ],
    ];
    for (const [what, body, message] of cases) {
      const res = await user.call("POST", path(), body);
      expect(res.status, what).toBe(400);
      expect(res.body.error.message, what).toMatch(message);
    }
    const expired = await upload(["old.example.com"], { notBefore: new Date(Date.now() - 100 * dayMs), days: 90 });
    expect(expired.status).toBe(400);
    expect(expired.body.error.message).toMatch(/^the certificate expired on \d{4}-\d{2}-\d{2}$/);
    const early = await upload(["soon.example.com"], { notBefore: new Date(Date.now() + 5 * dayMs) });
    expect(early.status).toBe(400);
    expect(early.body.error.message).toMatch(/not valid until/);
    const strict = await user.call("POST", path(), { certificate: good.pem, privateKey: good.keyPem, extra: 1 });
    expect(strict.status).toBe(400);
  });

  it("issues self-signed certificates for local names, others only when asked", async () => {
    const local = await user.call("POST", `${path()}/issue`, {
      source: "self-signed",
      hostnames: ["shop.test", "*.shop.test"],
    });
    expect(local.status, JSON.stringify(local.body)).toBe(201);
    expect(local.body).toMatchObject({
      source: "self-signed",
      status: "active",
      hostnames: ["shop.test", "*.shop.test"],
      autoRenew: true,
      issuer: "CN=shop.test, O=Slipway (self-signed)",
    });
    const publicName = await user.call("POST", `${path()}/issue`, {
      source: "self-signed",
      hostnames: ["example.org"],
    });
    expect(publicName.status).toBe(400);
    expect(publicName.body.error.message).toMatch(/not a local name/);
    const asked = await user.call("POST", `${path()}/issue`, {
      source: "self-signed",
      hostnames: ["example.org"],
      allowAnyHostname: true,
    });
    expect(asked.status).toBe(201);
    const wildcardAcme = await user.call("POST", `${path()}/issue`, { source: "acme", hostnames: ["*.example.org"] });
    expect(wildcardAcme.status).toBe(400);
    const localAcme = await user.call("POST", `${path()}/issue`, { source: "acme", hostnames: ["shop.test"] });
    expect(localAcme.body.error.message).toMatch(/self-signed/);
  });

  it("serves each SNI name its certificate over HTTPS, with the deployment's content", {
    timeout: 240_000,
  }, async () => {
    const repo = await exampleRepository("static-site");
    const project = await user.call("POST", `/api/v1/teams/${teamId}/projects`, {
      name: "Tls Site",
      git: { url: repo.url, branch: "main" },
    });
    expect(project.status).toBe(201);
    const build = await user.call("POST", `/api/v1/teams/${teamId}/projects/${project.body.id}/builds`, {});
    expect((await waitForBuild(user, teamId, build.body.id)).status).toBe("succeeded");
    const host = new URL(project.body.productionUrl).hostname;
    expect(host).toBe("tls-site.localhost");

    const uploaded = await upload([host]);
    expect(uploaded.status).toBe(201);
    const wildcard = await user.call("POST", `${path()}/issue`, {
      source: "self-signed",
      hostnames: ["*.preview.localhost"],
      projectId: project.body.id,
    });
    expect(wildcard.body.projectId).toBe(project.body.id);

    // The exact name: the uploaded certificate, verified against our CA, and the site.
    const site = await fetchOverTls(platform.edgeTlsUrl, host, "/", { ca: root.pem });
    expect(site).toMatchObject({ status: 200, subjectAltName: `DNS:${host}`, isAuthorized: true, alpn: "http/1.1" });
    expect(["TLSv1.2", "TLSv1.3"]).toContain(site.protocol);
    expect(site.fingerprint).toBe(uploaded.body.fingerprint);
    expect(site.body).toContain("Hello from a static site");

    // A name under the wildcard: the self-signed one.
    const preview = await fetchOverTls(platform.edgeTlsUrl, "branch.preview.localhost");
    expect(preview.subjectAltName).toBe("DNS:*.preview.localhost");
    expect(preview.fingerprint).toBe(wildcard.body.fingerprint);
    expect(preview.status).toBe(404);

    // Anything else: the edge's own default certificate.
    const unknown = await fetchOverTls(platform.edgeTlsUrl, "nothing.example.net");
    expect(unknown.subjectAltName).toBe("DNS:*.localhost, DNS:localhost");

    // An ACME challenge for the host wins over the deployment's own files (and the fast path).
    const token = "sni-test-token-0123456789abcdef";
    await platform.certificates.challenges.put(platform.db, {
      token,
      keyAuthorization: `${token}.thumb`,
      hostname: host,
      certificateId: wildcard.body.id,
    });
    for (let i = 0; i < 2; i++) {
      const challenge = await fetchFromEdge(platform.edgeUrl, `http://${host}/.well-known/acme-challenge/${token}`);
      expect(challenge.status).toBe(200);
      expect(await challenge.text()).toBe(`${token}.thumb`);
    }

    // Deleted: the name falls back to the default certificate at once, the site stays up.
    expect((await user.call("DELETE", `${path()}/${uploaded.body.id}`)).status).toBe(204);
    const after = await fetchOverTls(platform.edgeTlsUrl, host);
    expect(after.subjectAltName).toBe("DNS:*.localhost, DNS:localhost");
    expect(after.body).toContain("Hello from a static site");
    expect((await user.call("GET", `${path()}/${uploaded.body.id}`)).status).toBe(404);
  });

  it("alerts once per threshold before expiry, and renews self-signed certificates", async () => {
    const issued = await user.call("POST", `${path()}/issue`, { source: "self-signed", hostnames: ["alerts.test"] });
    const id = issued.body.id as string;
    // Time moves: the alert job runs at a chosen "now" 355 days on (10 days before expiry).
    const notAfter = new Date(issued.body.notAfter).getTime();
    const at = (daysLeft: number) => new Date(notAfter - daysLeft * dayMs + 60_000);
    const alertsFor = async () =>
      (await platform.db.select().from(events).where(eq(events.type, "certificate.expiring"))).filter(
        (e) => (e.payload as { certificateId: string }).certificateId === id,
      );

    await platform.certificates.alertExpiring(at(20));
    expect(await alertsFor()).toHaveLength(0);
    await platform.certificates.alertExpiring(at(10));
    await platform.certificates.alertExpiring(at(9));
    expect((await alertsFor()).map((e) => e.payload)).toEqual([
      expect.objectContaining({ certificateId: id, daysLeft: 10, thresholdDays: 14 }),
    ]);
    const shown = await user.call("GET", `${path()}/${id}`);
    expect(shown.body.expiryAlertedAt).toBe(at(10).toISOString());
    await platform.certificates.alertExpiring(at(6));
    expect((await alertsFor()).map((e) => (e.payload as { thresholdDays: number }).thresholdDays)).toEqual([14, 7]);

    await platform.certificates.renewDue(at(25));
    const renewed = await user.call("GET", `${path()}/${id}`);
    expect(renewed.body.fingerprint).not.toBe(issued.body.fingerprint);
    expect(renewed.body.lastRenewedAt).not.toBeNull();
    expect(renewed.body.expiryAlertedAt).toBeNull();
    const answer = await fetchOverTls(platform.edgeTlsUrl, "alerts.test");
    expect(answer.fingerprint).toBe(renewed.body.fingerprint);

    const uploaded = await upload(["manual.example.com"]);
    const refused = await user.call("POST", `${path()}/${uploaded.body.id}/renew`);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/uploading its successor/);
  });

  it("never stores a private key in plain text", async () => {
    const leaf = await createTestLeaf(intermediate, ["sealed.example.com"]);
    const res = await user.call("POST", path(), { certificate: leaf.pem, privateKey: leaf.keyPem });
    expect(res.status).toBe(201);
    const keyBody = createPrivateKey(leaf.keyPem).export({ format: "der", type: "pkcs8" }).toString("base64");
    const dump = JSON.stringify(
      await Promise.all(
        ["certificates", "acme_accounts", "acme_challenges", "audit_log", "events", "jobs"].map(
          async (table) => (await platform.db.execute(`select * from ${table}`)) as unknown,
        ),
      ),
    );
    expect(dump).toContain("sealed.example.com");
    expect(dump).not.toContain("PRIVATE KEY");
    expect(dump).not.toContain(keyBody.slice(20, 80));
  });

  it("keeps the edge's default certificate across restarts", async () => {
    const [before] = await platform.db.select().from(certificates).where(eq(certificates.id, "crt_edge_default"));
    expect(before?.hostnames).toEqual(["*.localhost", "localhost"]);
    platform = await platform.restart();
    // The API moved to a new port with the restart.
    const again = (method: string, to: string) => call(platform.url, method, to, { cookie: user.cookie });
    const [after] = await platform.db.select().from(certificates).where(eq(certificates.id, "crt_edge_default"));
    expect(after?.fingerprint).toBe(before?.fingerprint);
    const answer = await fetchOverTls(platform.edgeTlsUrl, "anything.localhost");
    expect(answer.fingerprint).toBe(before?.fingerprint);
    // Nobody's team lists it.
    const list = await again("GET", path());
    expect(list.body.items.map((c: { id: string }) => c.id)).not.toContain("crt_edge_default");
  });
});
