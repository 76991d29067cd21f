import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { events } from "../../platform/platform.tables.ts";
import { exampleRepository, fetchFromEdge, waitForBuild } from "../../testing/deploy-fixtures.ts";
import { startDnsServer, type TestDnsServer } from "../../testing/dns-server.ts";
import { type Session, signUp, startTestPlatform, type TestPlatform, testStores } from "../../testing/harness.ts";
import { waitFor } from "../../testing/test-store.ts";
import { auditLog } from "../audit/audit.tables.ts";

const publicIp = "203.0.113.10";

describe.each(testStores)("custom domains on %s", (store) => {
  let dns: TestDnsServer;
  let platform: TestPlatform;
  let owner: Session;
  let teamId: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back.
  let project: any;
  let productionDeploymentId: string;
  /** Each test file run gets its own names: the DNS zone and the hostname index are per platform. */
  const zone = `${store}.example.com`;

  beforeAll(async () => {
    dns = await startDnsServer();
    platform = await startTestPlatform(store, { dnsServers: [dns.address], publicIp });
    owner = await signUp(platform.url);
    teamId = owner.personalTeamId;
    const repo = await exampleRepository("static-site");
    const created = await owner.call("POST", `/api/v1/teams/${teamId}/projects`, {
      name: "Harbour",
      git: { url: repo.url, branch: "main" },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    project = created.body;
    const build = await owner.call("POST", `/api/v1/teams/${teamId}/projects/${project.id}/builds`, {});
    expect(build.status, JSON.stringify(build.body)).toBe(201);
    const done = await waitForBuild(owner, teamId, build.body.id);
    expect(done.status).toBe("succeeded");
    productionDeploymentId = done.deploymentId;
  });
  afterAll(async () => {
    await platform?.destroy();
    await dns?.stop();
  });

  const domainsPath = () => `/api/v1/teams/${teamId}/projects/${project.id}/domains`;

  async function addDomain(body: Record<string, unknown>, session = owner, path = domainsPath()) {
    const res = await session.call("POST", path, body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  }

  /** Creates the TXT record the domain asks for, then verifies through the API. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back.
  async function proveAndVerify(domain: any) {
    const txt = domain.records.find((r: { type: string }) => r.type === "TXT");
    dns.set(txt.name, { TXT: [txt.value] });
    const res = await owner.call("POST", `${domainsPath()}/${domain.id}/verify`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status).toBe("verified");
    return res.body;
  }

  const edgeGet = (url: string) => fetchFromEdge(platform.edgeUrl, url);

  it("lists the TXT proof and a CNAME to the production host for a subdomain, an A record for an apex", async () => {
    const shop = await addDomain({ hostname: ` Shop.${zone} ` });
    expect(shop).toMatchObject({
      hostname: `shop.${zone}`,
      isApex: false,
      status: "pending",
      branch: null,
      redirect: null,
      httpsRedirect: false,
      lastCheckedAt: null,
    });
    expect(shop.records).toEqual([
      {
        type: "TXT",
        name: `_slipway-challenge.shop.${zone}`,
        value: expect.stringMatching(/^slipway-verify=[a-z0-9]{32}$/),
        purpose: "verification",
        hint: null,
      },
      { type: "CNAME", name: `shop.${zone}`, value: `${project.slug}.localhost`, purpose: "routing", hint: null },
    ]);

    const apex = await addDomain({ hostname: "harbour-apex.test" });
    expect(apex.isApex).toBe(true);
    expect(apex.records[1]).toEqual({
      type: "A",
      name: "harbour-apex.test",
      value: publicIp,
      purpose: "routing",
      hint: null,
    });
    const list = await owner.call("GET", domainsPath());
    expect(list.body.items.map((d: { hostname: string }) => d.hostname)).toEqual([`shop.${zone}`, "harbour-apex.test"]);
    const [added] = await platform.db.select().from(events).where(eq(events.type, "domain.added"));
    expect(added?.payload).toMatchObject({ projectId: project.id, hostname: `shop.${zone}` });
  });

  it("fails verification with what DNS said, then verifies once the TXT record holds the token", async () => {
    const domain = await addDomain({ hostname: `verify.${zone}` });
    const verify = () => owner.call("POST", `${domainsPath()}/${domain.id}/verify`);

    const missing = await verify();
    expect(missing.status).toBe(200);
    expect(missing.body).toMatchObject({ status: "failed", lastCheckResult: "no TXT record (NXDOMAIN)" });
    expect(missing.body.lastCheckedAt).not.toBeNull();
    expect(missing.body.routing).toEqual({ status: "missing", message: "no CNAME record (NXDOMAIN)" });

    dns.set(`_slipway-challenge.verify.${zone}`, { TXT: ["google-site-verification=abc"] });
    const wrong = await verify();
    expect(wrong.body.status).toBe("failed");
    expect(wrong.body.lastCheckResult).toBe(
      `found TXT values: "google-site-verification=abc"; none is "${domain.records[0].value}"`,
    );

    dns.set(`_slipway-challenge.verify.${zone}`, { TXT: ["google-site-verification=abc", domain.records[0].value] });
    dns.set(`verify.${zone}`, { CNAME: "somewhere-else.test" });
    const found = await verify();
    expect(found.body).toMatchObject({
      status: "verified",
      lastCheckResult: `found TXT values: "google-site-verification=abc", "${domain.records[0].value}"`,
      routing: { status: "mismatch", message: `CNAME points to somewhere-else.test, not ${project.slug}.localhost` },
    });
    expect(found.body.verifiedAt).not.toBeNull();

    // The proof may go away: the domain stays verified, and the check says what it sees now.
    dns.remove(`_slipway-challenge.verify.${zone}`);
    dns.set(`verify.${zone}`, { CNAME: `${project.slug}.localhost` });
    const again = await verify();
    expect(again.body).toMatchObject({
      status: "verified",
      lastCheckResult: "no TXT record (NXDOMAIN)",
      routing: { status: "ok", message: `CNAME points to ${project.slug}.localhost` },
      verifiedAt: found.body.verifiedAt,
    });

    const verified = await platform.db.select().from(events).where(eq(events.type, "domain.verified"));
    expect(verified.filter((e) => (e.payload as { domainId: string }).domainId === domain.id)).toHaveLength(1);
    const audit = await owner.call("GET", `/api/v1/teams/${teamId}/audit?action=domain.verify`);
    expect(audit.body.items.filter((a: { resource: { id: string } }) => a.resource.id === domain.id)).toHaveLength(4);
  });

  it("says so when the DNS server does not answer", { timeout: 30_000 }, async () => {
    const domain = await addDomain({ hostname: `slow.${zone}` });
    dns.silence(`_slipway-challenge.slow.${zone}`);
    const res = await owner.call("POST", `${domainsPath()}/${domain.id}/verify`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "failed", lastCheckResult: "DNS server timed out" });
  });

  it("checks an apex's A record against this server's public IP", async () => {
    const apex = await addDomain({ hostname: `apex-${store}.test` });
    dns.set(`apex-${store}.test`, { A: ["198.51.100.1"] });
    const wrong = await owner.call("POST", `${domainsPath()}/${apex.id}/verify`);
    expect(wrong.body.routing).toEqual({
      status: "mismatch",
      message: `A record points to 198.51.100.1, not ${publicIp}`,
    });
    dns.set(`apex-${store}.test`, { A: [publicIp] });
    const right = await owner.call("POST", `${domainsPath()}/${apex.id}/verify`);
    expect(right.body.routing).toEqual({ status: "ok", message: `A record points to ${publicIp}` });
  });

  it("serves the production deployment at a verified domain, and stops when it is removed", async () => {
    const domain = await addDomain({ hostname: `www.${zone}` });
    const before = await edgeGet(`http://www.${zone}/`);
    expect(before.status).toBe(404);
    expect(before.headers.get("x-slipway-edge")).toBe("unrouted");

    await proveAndVerify(domain);
    const served = await edgeGet(`http://www.${zone}/`);
    expect(served.status).toBe(200);
    expect(served.headers.get("x-slipway-deployment")).toBe(productionDeploymentId);
    const production = await edgeGet(project.productionUrl);
    expect(await served.text()).toBe(await production.text());

    const removed = await owner.call("DELETE", `${domainsPath()}/${domain.id}`);
    expect(removed.status).toBe(204);
    const gone = await edgeGet(`http://www.${zone}/`);
    expect(gone.status).toBe(404);
    expect(gone.headers.get("x-slipway-edge")).toBe("unrouted");
    const [event] = await platform.db.select().from(events).where(eq(events.type, "domain.removed"));
    expect(event?.payload).toMatchObject({ domainId: domain.id, hostname: `www.${zone}` });
  });

  it("sends plain HTTP to HTTPS on the edge's TLS port for an HTTPS-only domain", async () => {
    const domain = await proveAndVerify(await addDomain({ hostname: `secure.${zone}`, httpsRedirect: true }));
    expect(domain.httpsRedirect).toBe(true);
    const res = await edgeGet(`http://secure.${zone}/account?tab=keys`);
    expect(res.status).toBe(308);
    const tlsPort = new URL(platform.edgeTlsUrl).port;
    expect(res.headers.get("location")).toBe(`https://secure.${zone}:${tlsPort}/account?tab=keys`);
    // The project's own hosts are not affected.
    expect((await edgeGet(project.productionUrl)).status).toBe(200);
  });

  it("redirects a redirect domain with its status, keeping path and query", async () => {
    const apex = await proveAndVerify(await addDomain({ hostname: `redirect-${store}.test` }));
    const www = await proveAndVerify(
      await addDomain({ hostname: `www.redirect-${store}.test`, redirect: { to: apex.hostname, status: 308 } }),
    );
    expect(www.redirect).toEqual({ to: apex.hostname, status: 308 });
    const res = await edgeGet(`http://www.redirect-${store}.test/docs/start?lang=en`);
    expect(res.status).toBe(308);
    expect(res.headers.get("location")).toBe(`http://redirect-${store}.test/docs/start?lang=en`);
    const post = await fetchFromEdge(platform.edgeUrl, `http://www.redirect-${store}.test:8080/form`, {
      method: "POST",
    });
    expect(post.status).toBe(308);
    expect(post.headers.get("location")).toBe(`http://redirect-${store}.test:8080/form`);

    // To the production host works too; the status can change.
    const changed = await owner.call("PATCH", `${domainsPath()}/${www.id}`, {
      redirect: { to: `${project.slug}.localhost`, status: 302 },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    const moved = await edgeGet(`http://www.redirect-${store}.test/`);
    expect(moved.status).toBe(302);
    expect(moved.headers.get("location")).toBe(`http://${project.slug}.localhost/`);

    // Nothing points at the apex any more: it can go.
    const apexRemoved = await owner.call("DELETE", `${domainsPath()}/${apex.id}`);
    expect(apexRemoved.status).toBe(204);
    const back = await owner.call("PATCH", `${domainsPath()}/${www.id}`, { branch: null });
    expect(back.body).toMatchObject({ redirect: null, branch: null });
    const servedAgain = await edgeGet(`http://www.redirect-${store}.test/`);
    expect(servedAgain.status).toBe(200);
    expect(servedAgain.headers.get("x-slipway-deployment")).toBe(productionDeploymentId);
  });

  it("keeps a domain others redirect to from being removed or redirected", async () => {
    const apex = await addDomain({ hostname: `chain-${store}.test` });
    await addDomain({ hostname: `www.chain-${store}.test`, redirect: { to: apex.hostname, status: 301 } });
    const remove = await owner.call("DELETE", `${domainsPath()}/${apex.id}`);
    expect(remove.status).toBe(409);
    expect(remove.body.error.message).toBe(
      `www.chain-${store}.test redirects to chain-${store}.test; change or remove it first`,
    );
    const chain = await owner.call("PATCH", `${domainsPath()}/${apex.id}`, {
      redirect: { to: `${project.slug}.localhost`, status: 301 },
    });
    expect(chain.status).toBe(400);
    const toRedirect = await owner.call("POST", domainsPath(), {
      hostname: `old.chain-${store}.test`,
      redirect: { to: `www.chain-${store}.test`, status: 301 },
    });
    expect(toRedirect.status).toBe(400);
    expect(toRedirect.body.error.message).toMatch(/redirects itself/);
  });

  it("refuses a redirect to a host that is not the project's", async () => {
    for (const to of ["elsewhere.org", "shop.other-project.test", `self-${store}.test`]) {
      const res = await owner.call("POST", domainsPath(), {
        hostname: `self-${store}.test`,
        redirect: { to, status: 301 },
      });
      expect(res.status, to).toBe(400);
      expect(res.body.error.code).toBe("bad_request");
    }
    const both = await owner.call("POST", domainsPath(), {
      hostname: `both-${store}.test`,
      branch: "main",
      redirect: { to: `${project.slug}.localhost`, status: 301 },
    });
    expect(both.status).toBe(400);
  });

  it("serves a branch domain from the branch's newest deployment, and nothing for a branch never built", async () => {
    const preview = await proveAndVerify(await addDomain({ hostname: `preview.${zone}`, branch: "main" }));
    expect(preview.branch).toBe("main");
    const res = await edgeGet(`http://preview.${zone}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-slipway-deployment")).toBe(productionDeploymentId);
    await proveAndVerify(await addDomain({ hostname: `next.${zone}`, branch: "next" }));
    expect((await edgeGet(`http://next.${zone}/`)).status).toBe(404);
  });

  it("serves a wildcard domain for any one-label subdomain", async () => {
    const wildcard = await addDomain({ hostname: `*.apps.${zone}` });
    expect(wildcard.isWildcard).toBe(true);
    expect(wildcard.records.map((r: { type: string; name: string }) => `${r.type} ${r.name}`)).toEqual([
      `TXT _slipway-challenge.apps.${zone}`,
      `CNAME *.apps.${zone}`,
    ]);
    await proveAndVerify(wildcard);
    const one = await edgeGet(`http://anything.apps.${zone}/`);
    expect(one.status).toBe(200);
    expect(one.headers.get("x-slipway-deployment")).toBe(productionDeploymentId);
    expect((await edgeGet(`http://a.b.apps.${zone}/`)).status).toBe(404);
    expect((await edgeGet(`http://apps.${zone}/`)).status).toBe(404);
  });

  it("refuses a hostname another project holds, without naming it, even from another team", async () => {
    const taken = `taken.${zone}`;
    await addDomain({ hostname: taken });
    const again = await owner.call("POST", domainsPath(), { hostname: taken });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe(`${taken} is already a domain of this project`);

    const stranger = await signUp(platform.url);
    const theirs = await stranger.call("POST", `/api/v1/teams/${stranger.personalTeamId}/projects`, {
      name: "Squatter",
    });
    const theirPath = `/api/v1/teams/${stranger.personalTeamId}/projects/${theirs.body.id}/domains`;
    const res = await stranger.call("POST", theirPath, { hostname: taken.toUpperCase() });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toBe(`${taken} is already in use on this Slipway instance`);
    expect(JSON.stringify(res.body)).not.toMatch(new RegExp(`${project.slug}|${project.id}|Harbour`));
  });

  it.each([
    ["example", /two labels/],
    ["exa_mple.com", /underscores/],
    ["ex ample.com", /spaces/],
    ["-bad.example.com", /dashes/],
    ["a..b.com", /empty label/],
    ["example.com.", /dot at the end/],
    ["https://example.com", /without https/],
    ["example.com:8443", /port/],
    ["*.com", /wildcard needs/],
    ["a.*.example.com", /whole first label/],
    [`${"a".repeat(64)}.com`, /63/],
    [`${"abcdefghi.".repeat(26)}com`, /253/],
    ["192.168.1.1", /IP address/],
    ["münchen.de", /punycode/],
    ["shop.localhost", /belongs to this Slipway instance/],
    ["*.apps.localhost", /belongs to this Slipway instance/],
  ])("refuses %s as a hostname", async (hostname, message) => {
    const res = await owner.call("POST", domainsPath(), { hostname });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(JSON.stringify(res.body.error)).toMatch(message);
  });

  it("takes a punycode name", async () => {
    const res = await owner.call("POST", domainsPath(), { hostname: "xn--mnchen-3ya.test" });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });

  it("lets a role without domains:manage read domains but not change them; another team sees nothing", async () => {
    const developer = await signUp(platform.url);
    const team = await owner.call("POST", "/api/v1/teams", { name: `Domains ${store}` });
    const member = await owner.call("POST", `/api/v1/teams/${team.body.id}/members`, {
      email: developer.email,
      role: "developer",
    });
    expect(member.status).toBe(201);
    const teamProject = await owner.call("POST", `/api/v1/teams/${team.body.id}/projects`, { name: "Team Site" });
    const path = `/api/v1/teams/${team.body.id}/projects/${teamProject.body.id}/domains`;
    const domain = await addDomain({ hostname: `team.${zone}` }, owner, path);

    expect((await developer.call("GET", path)).status).toBe(200);
    expect((await developer.call("POST", path, { hostname: `dev.${zone}` })).status).toBe(403);
    expect((await developer.call("POST", `${path}/${domain.id}/verify`)).status).toBe(403);
    expect((await developer.call("PATCH", `${path}/${domain.id}`, { httpsRedirect: true })).status).toBe(403);
    expect((await developer.call("DELETE", `${path}/${domain.id}`)).status).toBe(403);

    const outsider = await signUp(platform.url);
    expect((await outsider.call("GET", path)).status).toBe(404);
    expect((await outsider.call("DELETE", `${path}/${domain.id}`)).status).toBe(404);
    // Their own team, someone else's project and domain ids: still 404.
    const ownTeamPath = `/api/v1/teams/${outsider.personalTeamId}/projects/${teamProject.body.id}/domains`;
    expect((await outsider.call("GET", ownTeamPath)).status).toBe(404);
    expect((await outsider.call("POST", `${ownTeamPath}/${domain.id}/verify`)).status).toBe(404);
  });

  it("changes https redirect and target, and audits each change", async () => {
    const domain = await addDomain({ hostname: `settings.${zone}` });
    const res = await owner.call("PATCH", `${domainsPath()}/${domain.id}`, { httpsRedirect: true, branch: "main" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ httpsRedirect: true, branch: "main", redirect: null });
    const empty = await owner.call("PATCH", `${domainsPath()}/${domain.id}`, {});
    expect(empty.status).toBe(400);
    const audit = await owner.call("GET", `/api/v1/teams/${teamId}/audit?action=domain.`);
    const actions = audit.body.items
      .filter((a: { resource: { id: string } }) => a.resource.id === domain.id)
      .map((a: { action: string }) => a.action);
    expect(actions).toEqual(["domain.update", "domain.add"]);
  });

  it("verifies pending domains in the background once their TXT record appears", async () => {
    const domain = await addDomain({ hostname: `later.${zone}` });
    dns.set(domain.records[0].name, { TXT: [domain.records[0].value] });
    // The next five-minute slot, without waiting for it.
    await platform.scheduler.tick(new Date(Date.now() + 6 * 60_000));
    const verified = await waitFor("the background check to verify the domain", async () => {
      const res = await owner.call("GET", `${domainsPath()}/${domain.id}`);
      return res.body.status === "verified" ? res.body : undefined;
    });
    expect(verified.lastCheckResult).toBe(`found TXT values: "${domain.records[0].value}"`);
    const served = await edgeGet(`http://later.${zone}/`);
    expect(served.status).toBe(200);
    const [record] = await platform.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.resourceId, domain.id), eq(auditLog.action, "domain.verify")));
    expect(record).toMatchObject({ action: "domain.verify", actorType: "system" });
  });
});
