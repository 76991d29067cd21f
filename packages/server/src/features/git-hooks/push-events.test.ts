import { describe, expect, it } from "vitest";
import { hmacHex, readPushWebhook, verifyDeployHook } from "./push-events.ts";

const secret = "s3cr3t-webhook";
// Trimmed from the payloads the forges document; only the fields Slipway reads.
const github = Buffer.from(
  JSON.stringify({ ref: "refs/heads/main", after: "9f1c2d3e4b5a69788796a5b4c3d2e1f009182736", deleted: false }),
);
const gitlab = Buffer.from(
  JSON.stringify({
    object_kind: "push",
    ref: "refs/heads/feature/login",
    checkout_sha: "aa11bb22cc33dd44ee55ff6677889900aabbccdd",
    after: "aa11bb22cc33dd44ee55ff6677889900aabbccdd",
  }),
);

describe("push webhooks", () => {
  it("reads a GitHub push signed with X-Hub-Signature-256", () => {
    const verdict = readPushWebhook(
      {
        "x-github-event": "push",
        "x-github-delivery": "d-1",
        "x-hub-signature-256": `sha256=${hmacHex(secret, github)}`,
      },
      github,
      secret,
    );
    expect(verdict).toEqual({
      kind: "push",
      event: {
        provider: "github",
        deliveryId: "d-1",
        branch: "main",
        commitSha: "9f1c2d3e4b5a69788796a5b4c3d2e1f009182736",
        isDeletion: false,
      },
    });
  });

  it("rejects a GitHub push whose body was changed after signing", () => {
    const signature = `sha256=${hmacHex(secret, github)}`;
    const tampered = Buffer.from(github.toString().replace("main", "evil"));
    expect(readPushWebhook({ "x-github-event": "push", "x-hub-signature-256": signature }, tampered, secret).kind).toBe(
      "rejected",
    );
  });

  it("reads a GitLab push by its token and a Gitea push by its signature", () => {
    const lab = readPushWebhook(
      { "x-gitlab-event": "Push Hook", "x-gitlab-token": secret, "x-gitlab-event-uuid": "u-1" },
      gitlab,
      secret,
    );
    expect(lab).toMatchObject({
      kind: "push",
      event: { provider: "gitlab", branch: "feature/login", deliveryId: "u-1" },
    });
    expect(readPushWebhook({ "x-gitlab-event": "Push Hook", "x-gitlab-token": "guess" }, gitlab, secret).kind).toBe(
      "rejected",
    );
    const tea = readPushWebhook(
      { "x-gitea-event": "push", "x-gitea-delivery": "g-1", "x-gitea-signature": hmacHex(secret, github) },
      github,
      secret,
    );
    expect(tea).toMatchObject({ kind: "push", event: { provider: "gitea", branch: "main" } });
  });

  it("ignores other events and reads a branch deletion as one", () => {
    const ping = Buffer.from("{}");
    expect(
      readPushWebhook(
        { "x-github-event": "ping", "x-hub-signature-256": `sha256=${hmacHex(secret, ping)}` },
        ping,
        secret,
      ).kind,
    ).toBe("ignored");
    const deletion = Buffer.from(
      JSON.stringify({ ref: "refs/heads/old", after: "0000000000000000000000000000000000000000", deleted: true }),
    );
    const verdict = readPushWebhook(
      { "x-github-event": "push", "x-hub-signature-256": `sha256=${hmacHex(secret, deletion)}` },
      deletion,
      secret,
    );
    expect(verdict).toMatchObject({ kind: "push", event: { isDeletion: true, commitSha: null } });
  });

  it("rejects a request from no known forge", () => {
    expect(readPushWebhook({}, github, secret)).toEqual({
      kind: "rejected",
      reason: "not a GitHub, GitLab or Gitea webhook",
    });
  });
});

describe("deploy hooks", () => {
  const body = Buffer.from('{"branch":"main"}');
  const now = 1_800_000_000_000;
  const ts = String(now / 1000);
  it("accepts a fresh, correctly signed call and refuses old or forged ones", () => {
    const signature = `sha256=${hmacHex(secret, `${ts}.${body.toString()}`)}`;
    expect(
      verifyDeployHook({ "x-slipway-timestamp": ts, "x-slipway-signature": signature }, body, secret, now),
    ).toBeNull();
    expect(
      verifyDeployHook({ "x-slipway-timestamp": ts, "x-slipway-signature": signature }, body, secret, now + 600_000),
    ).toMatch(/five minutes/);
    expect(
      verifyDeployHook({ "x-slipway-timestamp": ts, "x-slipway-signature": "sha256=00" }, body, secret, now),
    ).toMatch(/does not match/);
    expect(verifyDeployHook({}, body, secret, now)).toMatch(/required/);
  });
});
