import { createHmac, timingSafeEqual } from "node:crypto";

export type PushEvent = {
  provider: "github" | "gitlab" | "gitea";
  deliveryId: string;
  branch: string | null;
  commitSha: string | null;
  isDeletion: boolean;
};

export type Verdict =
  | { kind: "push"; event: PushEvent }
  | { kind: "ignored"; reason: string }
  | { kind: "rejected"; reason: string };

type Headers = Record<string, string | string[] | undefined>;

const header = (headers: Headers, name: string) => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

export function hmacHex(secret: string, body: Buffer | string): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

const zeroSha = /^0+$/;

function fromPayload(provider: PushEvent["provider"], deliveryId: string, payload: unknown): PushEvent {
  const p = (payload ?? {}) as { ref?: unknown; after?: unknown; checkout_sha?: unknown; deleted?: unknown };
  const ref = typeof p.ref === "string" ? p.ref : "";
  const after = typeof p.after === "string" ? p.after : typeof p.checkout_sha === "string" ? p.checkout_sha : null;
  return {
    provider,
    deliveryId,
    branch: ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : null,
    commitSha: after && !zeroSha.test(after) ? after : null,
    isDeletion: p.deleted === true || (after !== null && zeroSha.test(after)),
  };
}

/**
 * Reads a push webhook the way each forge sends it: GitHub and Gitea sign the raw body with
 * HMAC-SHA256 (`X-Hub-Signature-256: sha256=…`, `X-Gitea-Signature: …`), GitLab sends the
 * secret itself (`X-Gitlab-Token`). Unsigned, wrongly signed or unknown requests are rejected.
 */
export function readPushWebhook(headers: Headers, rawBody: Buffer, secret: string): Verdict {
  const parse = (): unknown => {
    try {
      return JSON.parse(rawBody.toString("utf8"));
    } catch {
      return undefined;
    }
  };
  const gitea = header(headers, "x-gitea-signature");
  const giteaEvent = header(headers, "x-gitea-event");
  if (giteaEvent) {
    if (!gitea || !safeEqual(gitea, hmacHex(secret, rawBody)))
      return { kind: "rejected", reason: "X-Gitea-Signature does not match" };
    if (giteaEvent !== "push") return { kind: "ignored", reason: `Gitea ${giteaEvent} event` };
    return {
      kind: "push",
      event: fromPayload("gitea", header(headers, "x-gitea-delivery") ?? hmacHex(secret, rawBody), parse()),
    };
  }
  const githubEvent = header(headers, "x-github-event");
  if (githubEvent) {
    const signature = header(headers, "x-hub-signature-256");
    if (!signature || !safeEqual(signature, `sha256=${hmacHex(secret, rawBody)}`)) {
      return { kind: "rejected", reason: "X-Hub-Signature-256 does not match" };
    }
    if (githubEvent !== "push") return { kind: "ignored", reason: `GitHub ${githubEvent} event` };
    return {
      kind: "push",
      event: fromPayload("github", header(headers, "x-github-delivery") ?? hmacHex(secret, rawBody), parse()),
    };
  }
  const gitlabEvent = header(headers, "x-gitlab-event");
  if (gitlabEvent) {
    const token = header(headers, "x-gitlab-token");
    if (!token || !safeEqual(token, secret)) return { kind: "rejected", reason: "X-Gitlab-Token does not match" };
    if (gitlabEvent !== "Push Hook") return { kind: "ignored", reason: `GitLab ${gitlabEvent}` };
    const delivery =
      header(headers, "x-gitlab-event-uuid") ?? header(headers, "idempotency-key") ?? hmacHex(secret, rawBody);
    return { kind: "push", event: fromPayload("gitlab", delivery, parse()) };
  }
  return { kind: "rejected", reason: "not a GitHub, GitLab or Gitea webhook" };
}

/** Deploy hooks: `X-Slipway-Signature: sha256=HMAC(secret, "<timestamp>.<body>")` within five minutes. */
export function verifyDeployHook(headers: Headers, rawBody: Buffer, secret: string, now = Date.now()): string | null {
  const timestamp = header(headers, "x-slipway-timestamp");
  const signature = header(headers, "x-slipway-signature");
  if (!timestamp || !signature) return "X-Slipway-Timestamp and X-Slipway-Signature are required";
  const seconds = Number(timestamp);
  if (!Number.isInteger(seconds) || Math.abs(now / 1000 - seconds) > 300)
    return "the timestamp is more than five minutes off";
  const expected = `sha256=${hmacHex(secret, `${timestamp}.${rawBody.toString("utf8")}`)}`;
  return safeEqual(signature, expected) ? null : "X-Slipway-Signature does not match";
}
