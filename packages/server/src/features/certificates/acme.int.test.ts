import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { events } from "../../platform/platform.tables.ts";
import { fetchFromEdge } from "../../testing/deploy-fixtures.ts";
import { type Session, signUp, startTestPlatform, type TestPlatform, testStores } from "../../testing/harness.ts";
import { waitFor } from "../../testing/test-store.ts";
import { acmeAccounts } from "./certificates.tables.ts";
import { type Pebble, preparePebble } from "./pebble-fixture.ts";
import { fetchOverTls } from "./tls-fetch.ts";

/**
 * ACME against the real pebble: HTTP-01 is validated by pebble fetching the challenge from the
 * edge's HTTP port, names resolve through a test DNS server, the issued certificate is then
 * served over SNI.
 */
describe.each(testStores)("ACME certificates on %s", (store) => {
  let pebble: Pebble;
  let platform: TestPlatform;
  let user: Session;
  let teamId: string;
  const path = () => `/api/v1/teams/${teamId}/certificates`;

  beforeAll(async () => {
    pebble = await preparePebble();
    platform = await startTestPlatform(store, {
      acme: { directoryUrl: pebble.directoryUrl, email: "ops@example.com", caCertificates: pebble.directoryCa },
    });
    await pebble.start(Number(new URL(platform.edgeUrl).port));
    user = await signUp(platform.url);
    teamId = user.personalTeamId;
  });
  afterAll(async () => {
    await platform?.destroy();
    await pebble?.stop();
  });

  /** Polls the certificate until its order has ended, the way the dashboard does. */
  async function settled(id: string) {
    return waitFor(
      `certificate ${id} to settle`,
      async () => {
        const res = await user.call("GET", `${path()}/${id}`);
        return res.body.progress === null ? res.body : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
  }

  it("issues through HTTP-01 on the edge and serves the certificate over SNI", async () => {
    const names = ["acme-site.example.com", "www.acme-site.example.com"];
    for (const name of names) pebble.dns.set(name, { A: ["127.0.0.1"] });
    const requested = await user.call("POST", `${path()}/issue`, { source: "acme", hostnames: names });
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    expect(requested.body).toMatchObject({ status: "pending", progress: "ordering", source: "acme", hostnames: names });

    const done = await settled(requested.body.id);
    expect(done.lastError).toBeNull();
    expect(done).toMatchObject({ status: "active", autoRenew: true });
    expect([...done.hostnames].sort()).toEqual([...names].sort());
    expect(done.issuer).toMatch(/Pebble/);
    // pebble resolved the names through our DNS server to reach the edge.
    expect(pebble.dns.queries).toContain("acme-site.example.com");

    const root = await pebble.issuingRoot();
    const served = await fetchOverTls(platform.edgeTlsUrl, "www.acme-site.example.com", "/", { ca: root });
    expect(served.isAuthorized).toBe(true);
    expect(served.fingerprint).toBe(done.fingerprint);
    expect(served.subjectAltName).toContain("DNS:www.acme-site.example.com");

    const kinds = (await platform.db.select().from(events)).map((e) => e.type);
    expect(kinds).toEqual(expect.arrayContaining(["certificate.requested", "certificate.issued"]));
    const [account] = await platform.db.select().from(acmeAccounts);
    expect(account?.accountUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);
    expect(account?.keySealed).not.toContain("PRIVATE KEY");

    // Renewing orders anew while the current certificate stays served.
    const renewing = await user.call("POST", `${path()}/${done.id}/renew`);
    expect(renewing.body).toMatchObject({ status: "active", progress: "ordering" });
    const again = await user.call("POST", `${path()}/${done.id}/renew`);
    expect(again.status).toBe(409);
    const renewed = await settled(done.id);
    expect(renewed).toMatchObject({ status: "active", lastError: null });
    expect(renewed.fingerprint).not.toBe(done.fingerprint);
    expect(renewed.lastRenewedAt).not.toBeNull();
    const after = await fetchOverTls(platform.edgeTlsUrl, "acme-site.example.com", "/", { ca: root });
    expect(after.fingerprint).toBe(renewed.fingerprint);
  });

  it("records the CA's refusal on the certificate and disturbs nothing else", async () => {
    const before = await fetchOverTls(platform.edgeTlsUrl, "acme-site.example.com");
    // No DNS record: pebble cannot reach the name and fails the challenge.
    const requested = await user.call("POST", `${path()}/issue`, { source: "acme", hostnames: ["gone.example.com"] });
    const failed = await settled(requested.body.id);
    expect(failed.status).toBe("failed");
    expect(failed.lastError).toMatch(/^gone\.example\.com: (dns|connection): .*(could not resolve|NXDOMAIN)/);
    const kinds = (await platform.db.select().from(events).where(eq(events.type, "certificate.failed"))).length;
    expect(kinds).toBe(1);
    const still = await fetchOverTls(platform.edgeTlsUrl, "acme-site.example.com");
    expect(still.fingerprint).toBe(before.fingerprint);
    const nothing = await fetchOverTls(platform.edgeTlsUrl, "gone.example.com");
    expect(nothing.subjectAltName).toBe("DNS:*.localhost, DNS:localhost");
  });
});

describe.each(testStores)("ACME with an unreachable directory on %s", (store) => {
  let platform: TestPlatform;
  let user: Session;

  beforeAll(async () => {
    platform = await startTestPlatform(store, {
      acme: { directoryUrl: "https://127.0.0.1:1/directory", email: undefined, caCertificates: undefined },
    });
    user = await signUp(platform.url);
  });
  afterAll(() => platform?.destroy());

  it("fails the certificate with the reason at once", async () => {
    const path = `/api/v1/teams/${user.personalTeamId}/certificates`;
    const requested = await user.call("POST", `${path}/issue`, { source: "acme", hostnames: ["down.example.com"] });
    expect(requested.status).toBe(201);
    const failed = await waitFor(
      "the order to fail",
      async () => {
        const res = await user.call("GET", `${path}/${requested.body.id}`);
        return res.body.status === "failed" ? res.body : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    expect(failed).toMatchObject({ progress: null, lastError: expect.stringMatching(/unreachable: .*ECONNREFUSED/) });
  });

  it("answers stored challenges after a restart, for their host only", async () => {
    const token = "tok3n-abcdefghijklmnop_0123";
    // A certificate without an order running, so nothing clears the challenge meanwhile.
    const id = (
      await user.call("POST", `/api/v1/teams/${user.personalTeamId}/certificates/issue`, {
        source: "self-signed",
        hostnames: ["restart.example.com"],
        allowAnyHostname: true,
      })
    ).body.id as string;
    await platform.certificates.challenges.put(platform.db, {
      token,
      keyAuthorization: `${token}.thumbprint`,
      hostname: "restart.example.com",
      certificateId: id,
    });
    platform = await platform.restart();
    const url = `http://restart.example.com/.well-known/acme-challenge/${token}`;
    const answer = await fetchFromEdge(platform.edgeUrl, url);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe(`${token}.thumbprint`);
    const otherHost = await fetchFromEdge(
      platform.edgeUrl,
      `http://elsewhere.example.com/.well-known/acme-challenge/${token}`,
    );
    expect(otherHost.status).toBe(404);
    const unknown = await fetchFromEdge(
      platform.edgeUrl,
      "http://restart.example.com/.well-known/acme-challenge/nope-nope-nope-nope-1",
    );
    expect(unknown.status).toBe(404);
  });
});
