import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  cookieFrom,
  type Session,
  signUp,
  startTestPlatform,
  strongPassword,
  type TestPlatform,
  testStores,
} from "../../testing/harness.ts";
import { startMailSink } from "../../testing/mail-sink.ts";

describe.each(testStores)("accounts on %s", (store) => {
  let platform: TestPlatform;
  let instanceOwner: Session;

  beforeAll(async () => {
    platform = await startTestPlatform(store, { signInLimits: { perIp: 1000, perAccount: 3, windowSeconds: 900 } });
  });
  afterAll(() => platform?.destroy());

  const signIn = (email: string, password: string) =>
    call(platform.url, "POST", "/api/auth/sign-in/email", { body: { email, password } });

  it("makes the first account the instance owner, and only the first", async () => {
    expect((await call(platform.url, "GET", "/api/v1/system/setup")).body.hasOwner).toBe(false);
    const first = await signUp(platform.url, { name: "Ada" });
    instanceOwner = first;
    const second = await signUp(platform.url);
    expect((await first.call("GET", "/api/v1/me")).body.user.isInstanceOwner).toBe(true);
    expect((await second.call("GET", "/api/v1/me")).body.user.isInstanceOwner).toBe(false);
    expect((await call(platform.url, "GET", "/api/v1/system/setup")).body.hasOwner).toBe(true);
  });

  it("tells a signed-in person which runtimes this host has, and nobody else", async () => {
    expect((await call(platform.url, "GET", "/api/v1/system/runtimes")).status).toBe(401);
    const runtimes = (await instanceOwner.call("GET", "/api/v1/system/runtimes")).body;
    const major = process.versions.node.split(".")[0];
    expect(runtimes.node.versions).toContain(major);
    expect(runtimes.node.versions).toContain(runtimes.node.default);
    // Debian 12's python3 is on every machine this runs on; Go and Ruby only where installed.
    expect(runtimes.python.version).toMatch(/^3\.\d+/);
    for (const tool of ["go", "ruby"])
      expect(runtimes[tool] === null || /^\d+\.\d+/.test(runtimes[tool].version)).toBe(true);
  });

  it("gives every new account a personal team it owns", async () => {
    const user = await signUp(platform.url, { name: "Grace" });
    const me = (await user.call("GET", "/api/v1/me")).body;
    expect(me.teams).toHaveLength(1);
    expect(me.teams[0]).toMatchObject({ isPersonal: true, role: "owner", name: "Grace's projects" });
  });

  it("refuses weak, common and short passwords at sign-up", async () => {
    for (const password of ["short1!", "password1234", "qwertyuiop123"]) {
      const res = await call(platform.url, "POST", "/api/auth/sign-up/email", {
        body: { email: `weak-${password}@example.com`, name: "Weak", password },
      });
      expect(res.status, password).toBe(400);
    }
  });

  it("refuses a second account with the same email, whatever its case", async () => {
    const user = await signUp(platform.url);
    const res = await call(platform.url, "POST", "/api/auth/sign-up/email", {
      body: { email: user.email.toUpperCase(), name: "Copy", password: strongPassword },
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it("sets an httpOnly SameSite session cookie", async () => {
    const user = await signUp(platform.url);
    const res = await signIn(user.email, strongPassword);
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("slipway.session_token="));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
  });

  it("locks an account after repeated wrong passwords, but not other accounts", async () => {
    const victim = await signUp(platform.url);
    const bystander = await signUp(platform.url);
    for (let i = 0; i < 3; i++) expect((await signIn(victim.email, "wrong-password-123")).status).toBe(401);
    const locked = await signIn(victim.email, strongPassword);
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe("rate_limited");
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await signIn(bystander.email, strongPassword)).status).toBe(200);
  });

  it("limits sign-in attempts per IP across accounts", async () => {
    const strict = await startTestPlatform(store, { signInLimits: { perIp: 5, perAccount: 100, windowSeconds: 900 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        const res = await call(strict.url, "POST", "/api/auth/sign-in/email", {
          body: { email: `nobody${i}@example.com`, password: "wrong-password-123" },
        });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    } finally {
      await strict.destroy();
    }
  });

  it("resets a password through the mail outbox and signs out the old sessions", async () => {
    const fresh = await startTestPlatform(store);
    try {
      const owner = await signUp(fresh.url);
      const user = await signUp(fresh.url);
      const requested = await call(fresh.url, "POST", "/api/auth/request-password-reset", {
        body: { email: user.email, redirectTo: "/reset-password" },
      });
      expect(requested.status).toBe(200);
      const list = await owner.call("GET", "/api/v1/system/mail");
      const message = list.body.items.find((m: { to: string }) => m.to === user.email);
      expect(message).toMatchObject({ subject: "Reset your Slipway password", status: "held" });
      // Only the instance owner reads the outbox.
      expect((await user.call("GET", "/api/v1/system/mail")).status).toBe(403);
      const detail = await owner.call("GET", `/api/v1/system/mail/${message.id}`);
      const link = /(http\S+reset-password\S+)/.exec(detail.body.text)?.[1];
      expect(link).toBeDefined();
      const followed = await fetch(
        new URL(new URL(link as string).pathname + new URL(link as string).search, fresh.url),
        {
          redirect: "manual",
        },
      );
      const target = new URL(followed.headers.get("location") ?? "", fresh.url);
      const token = target.searchParams.get("token");
      expect(target.pathname).toBe("/reset-password");
      expect(token).toBeTruthy();
      const reset = await call(fresh.url, "POST", "/api/auth/reset-password", {
        body: { token, newPassword: "a-brand-new-passphrase-42" },
      });
      expect(reset.status).toBe(200);
      expect((await user.call("GET", "/api/v1/me")).status).toBe(401);
      expect(
        (
          await call(fresh.url, "POST", "/api/auth/sign-in/email", {
            body: { email: user.email, password: strongPassword },
          })
        ).status,
      ).toBe(401);
      expect(
        (
          await call(fresh.url, "POST", "/api/auth/sign-in/email", {
            body: { email: user.email, password: "a-brand-new-passphrase-42" },
          })
        ).status,
      ).toBe(200);
      // The token works once.
      const again = await call(fresh.url, "POST", "/api/auth/reset-password", {
        body: { token, newPassword: "yet-another-passphrase-77" },
      });
      expect(again.status).toBe(400);
    } finally {
      await fresh.destroy();
    }
  });

  it("sends the reset mail over SMTP when it is configured", async () => {
    const sink = await startMailSink();
    const withSmtp = await startTestPlatform(store, { smtpUrl: sink.url, mailFrom: "Slipway <noreply@slipway.test>" });
    try {
      const owner = await signUp(withSmtp.url);
      expect((await call(withSmtp.url, "GET", "/api/v1/system/setup")).body.mailDelivery).toBe("smtp");
      await call(withSmtp.url, "POST", "/api/auth/request-password-reset", {
        body: { email: owner.email, redirectTo: "/reset-password" },
      });
      expect(sink.received).toHaveLength(1);
      const [mail] = sink.received;
      expect(mail?.to).toEqual([owner.email]);
      expect(mail?.from).toBe("noreply@slipway.test");
      expect(mail?.raw).toMatch(/Subject: Reset your Slipway password/);
      expect(mail?.raw.replace(/=\r?\n/g, "")).toMatch(/\/api\/auth\/reset-password\//);
      const outbox = await owner.call("GET", "/api/v1/system/mail");
      expect(outbox.body.items[0]).toMatchObject({ to: owner.email, status: "sent", error: null });
    } finally {
      await withSmtp.destroy();
      await sink.stop();
    }
  });

  it("changes a password and signs out everywhere", async () => {
    const user = await signUp(platform.url);
    const otherSignIn = await signIn(user.email, strongPassword);
    expect(otherSignIn.status).toBe(200);
    const otherDevice = cookieFrom(otherSignIn.headers);
    expect((await call(platform.url, "GET", "/api/v1/me", { cookie: otherDevice })).status).toBe(200);
    const changed = await call(platform.url, "POST", "/api/auth/change-password", {
      cookie: user.cookie,
      body: { currentPassword: strongPassword, newPassword: "another-long-passphrase-31", revokeOtherSessions: true },
    });
    expect(changed.status).toBe(200);
    expect((await call(platform.url, "GET", "/api/v1/me", { cookie: otherDevice })).status).toBe(401);
    const current = cookieFrom(changed.headers) || user.cookie;
    expect((await call(platform.url, "GET", "/api/v1/me", { cookie: current })).status).toBe(200);
    const revoked = await call(platform.url, "POST", "/api/auth/revoke-sessions", { cookie: current, body: {} });
    expect(revoked.status).toBe(200);
    expect((await call(platform.url, "GET", "/api/v1/me", { cookie: current })).status).toBe(401);
  });

  it("records sign-ups, sign-ins and failures in the instance audit log for the owner", async () => {
    const user = await signUp(platform.url);
    await signIn(user.email, "wrong-password-123");
    await call(platform.url, "POST", "/api/auth/sign-out", { cookie: user.cookie, body: {} });
    expect((await call(platform.url, "GET", "/api/v1/system/audit", { cookie: user.cookie })).status).toBe(401);
    const again = cookieFrom((await signIn(user.email, strongPassword)).headers);
    expect((await call(platform.url, "GET", "/api/v1/system/audit", { cookie: again })).status).toBe(403);
    const log = await instanceOwner.call("GET", `/api/v1/system/audit?actor=${encodeURIComponent(user.email)}`);
    const forUser = await instanceOwner.call("GET", `/api/v1/system/audit?limit=100`);
    const mine = forUser.body.items.filter(
      (e: { resource: { id: string } }) => e.resource.id === user.email || e.resource.id === user.userId,
    );
    expect(mine.map((e: { action: string; result: string }) => `${e.action}:${e.result}`)).toEqual([
      "auth.sign_in_email:success",
      "auth.sign_out:success",
      "auth.sign_in_email:failure",
      "auth.sign_up_email:success",
    ]);
    expect(log.body.items.map((e: { action: string }) => e.action)).toContain("auth.sign_out");
  });

  it("lists signed-in devices without their tokens and signs one out", async () => {
    const user = await signUp(platform.url);
    const other = await signIn(user.email, strongPassword);
    const otherCookie = cookieFrom(other.headers);
    const list = await user.call("GET", "/api/v1/me/sessions");
    expect(list.body.items).toHaveLength(2);
    expect(list.body.items.filter((s: { isCurrent: boolean }) => s.isCurrent)).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain(otherCookie.split("=")[1]?.split(".")[0]);
    expect((await user.call("GET", "/api/auth/list-sessions")).status).toBe(404);
    const otherId = list.body.items.find((s: { isCurrent: boolean }) => !s.isCurrent).id;
    const stranger = await signUp(platform.url);
    expect((await stranger.call("DELETE", `/api/v1/me/sessions/${otherId}`)).status).toBe(404);
    expect((await user.call("DELETE", `/api/v1/me/sessions/${otherId}`)).status).toBe(204);
    expect((await call(platform.url, "GET", "/api/v1/me", { cookie: otherCookie })).status).toBe(401);
    expect((await user.call("GET", "/api/v1/me")).status).toBe(200);
  });

  it("keeps accounts and sessions across a restart on the same data", async () => {
    const user = await signUp(platform.url);
    platform = await platform.restart();
    expect((await call(platform.url, "GET", "/api/v1/me", { cookie: user.cookie })).status).toBe(200);
    expect((await signIn(user.email, strongPassword)).status).toBe(200);
  });
});
