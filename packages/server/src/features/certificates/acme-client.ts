// A small RFC 8555 (ACME) client: account, order, HTTP-01 challenge, finalize, download.
//
// Not the `acme-client` package: it sets TLS trust, timeouts and retries on one axios instance
// shared by the whole process (a test CA for one directory would apply to every directory), and
// retries refused or unreachable directories for over a minute where we want the refusal on the
// certificate record at once. What ACME needs from us fits here on node:https and node:crypto.
import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { rootCertificates } from "node:tls";

export type AcmeDirectory = {
  newNonce: string;
  newAccount: string;
  newOrder: string;
  meta?: { termsOfService?: string };
};

export type AcmeOrder = {
  url: string;
  status: "pending" | "ready" | "processing" | "valid" | "invalid";
  authorizations: string[];
  finalize: string;
  certificate?: string;
  error?: AcmeProblem;
};

export type AcmeChallenge = { type: string; url: string; token: string; status: string; error?: AcmeProblem };

export type AcmeAuthorization = {
  status: "pending" | "valid" | "invalid" | "deactivated" | "expired" | "revoked";
  identifier: { type: string; value: string };
  challenges: AcmeChallenge[];
};

type AcmeProblem = { type?: string; detail?: string; status?: number; subproblems?: AcmeProblem[] };

/** What the ACME server said when it refused, or why it could not be reached. */
export class AcmeError extends Error {
  readonly type: string | null;
  constructor(message: string, type: string | null = null) {
    super(message);
    this.name = "AcmeError";
    this.type = type;
  }
}

/** "urn:ietf:params:acme:error:rateLimited: too many certificates already issued …" */
export function describeProblem(problem: AcmeProblem | undefined, fallback: string): string {
  if (!problem) return fallback;
  const kind = problem.type?.replace(/^urn:ietf:params:acme:error:/, "") ?? "error";
  const sub = (problem.subproblems ?? []).map((p) => p.detail).filter(Boolean);
  return `${kind}: ${problem.detail ?? fallback}${sub.length ? ` (${sub.join("; ")})` : ""}`;
}

type Response = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

const base64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

export type AcmeClientOptions = {
  directoryUrl: string;
  /** The account's EC P-256 key, PKCS#8 PEM. */
  accountKeyPem: string;
  /** Known once the account exists; without it the first request registers the account. */
  accountUrl?: string | undefined;
  /** Extra CA certificates (PEM) to trust for the directory's HTTPS, beside the system roots. */
  caCertificates?: string | undefined;
  timeoutMs?: number;
};

export type AcmeClient = ReturnType<typeof createAcmeClient>;

export function createAcmeClient(options: AcmeClientOptions) {
  const key: KeyObject = createPrivateKey(options.accountKeyPem);
  const jwk = createPublicKey(key).export({ format: "jwk" });
  if (jwk.kty !== "EC" || jwk.crv !== "P-256") throw new Error("the ACME account key must be EC P-256");
  // RFC 7638: the required members, in lexicographic order, no spaces.
  const publicJwk = { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  const thumbprint = base64url(createHash("sha256").update(JSON.stringify(publicJwk)).digest());
  const timeoutMs = options.timeoutMs ?? 20_000;
  const agent = new https.Agent({
    keepAlive: true,
    ...(options.caCertificates ? { ca: [...rootCertificates, options.caCertificates] } : {}),
  });
  let directory: AcmeDirectory | null = null;
  let nonce: string | null = null;
  let accountUrl = options.accountUrl ?? null;

  function send(method: string, url: string, body?: string, headers: Record<string, string> = {}): Promise<Response> {
    const target = new URL(url);
    const transport = target.protocol === "http:" ? http : https;
    return new Promise((resolve, reject) => {
      const req = transport.request(
        target,
        {
          method,
          headers: { "user-agent": "slipway-acme", ...headers },
          timeout: timeoutMs,
          ...(target.protocol === "https:" ? { agent } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => {
            const replayNonce = res.headers["replay-nonce"];
            if (typeof replayNonce === "string") nonce = replayNonce;
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
          });
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
      req.on("error", (error) =>
        reject(new AcmeError(`ACME server at ${target.origin} is unreachable: ${error.message}`)),
      );
      req.end(body);
    });
  }

  function json<T>(res: Response): T {
    try {
      return JSON.parse(res.body.toString("utf8")) as T;
    } catch {
      throw new AcmeError(`the ACME server answered ${res.status} with something other than JSON`);
    }
  }

  function problemOf(res: Response): AcmeProblem {
    try {
      return JSON.parse(res.body.toString("utf8")) as AcmeProblem;
    } catch {
      return { detail: `HTTP ${res.status}` };
    }
  }

  async function getDirectory(): Promise<AcmeDirectory> {
    if (directory) return directory;
    const res = await send("GET", options.directoryUrl);
    if (res.status !== 200)
      throw new AcmeError(
        `the ACME directory ${options.directoryUrl} answered ${res.status}: ${describeProblem(problemOf(res), "not a directory")}`,
      );
    const body = json<AcmeDirectory>(res);
    if (!body.newNonce || !body.newAccount || !body.newOrder)
      throw new AcmeError(`${options.directoryUrl} is not an ACME directory`);
    directory = body;
    return body;
  }

  async function freshNonce(): Promise<string> {
    if (nonce) {
      const n = nonce;
      nonce = null;
      return n;
    }
    await send("HEAD", (await getDirectory()).newNonce);
    if (!nonce) throw new AcmeError("the ACME server gave no nonce");
    const n: string = nonce;
    nonce = null;
    return n;
  }

  /** A JWS-signed POST; `payload` null is POST-as-GET. Retries a rejected nonce (RFC 8555 §6.5). */
  async function post(url: string, payload: object | null, useJwk = false): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      const protectedHeader = {
        alg: "ES256",
        nonce: await freshNonce(),
        url,
        ...(useJwk || !accountUrl ? { jwk: publicJwk } : { kid: accountUrl }),
      };
      const encodedHeader = base64url(JSON.stringify(protectedHeader));
      const encodedPayload = payload === null ? "" : base64url(JSON.stringify(payload));
      const signature = sign("sha256", Buffer.from(`${encodedHeader}.${encodedPayload}`), {
        key,
        dsaEncoding: "ieee-p1363",
      });
      const res = await send(
        "POST",
        url,
        JSON.stringify({ protected: encodedHeader, payload: encodedPayload, signature: base64url(signature) }),
        { "content-type": "application/jose+json" },
      );
      if (res.status < 400) return res;
      const problem = problemOf(res);
      if (problem.type === "urn:ietf:params:acme:error:badNonce" && attempt < 5) continue;
      throw new AcmeError(describeProblem(problem, `HTTP ${res.status}`), problem.type ?? null);
    }
  }

  /** Registers the account (or finds the one this key already has) and answers its URL. */
  async function ensureAccount(email: string | undefined): Promise<string> {
    if (accountUrl) return accountUrl;
    const res = await post(
      (await getDirectory()).newAccount,
      { termsOfServiceAgreed: true, ...(email ? { contact: [`mailto:${email}`] } : {}) },
      true,
    );
    const location = res.headers.location;
    if (!location) throw new AcmeError("the ACME server created the account without saying where");
    accountUrl = location;
    return location;
  }

  return {
    thumbprint,
    ensureAccount,
    /** `<token>.<thumbprint>`: what the HTTP-01 challenge URL must answer. */
    keyAuthorization: (token: string) => `${token}.${thumbprint}`,
    async newOrder(hostnames: string[]): Promise<AcmeOrder> {
      const res = await post((await getDirectory()).newOrder, {
        identifiers: hostnames.map((value) => ({ type: "dns", value })),
      });
      const url = res.headers.location;
      if (!url) throw new AcmeError("the ACME server created the order without saying where");
      return { ...json<Omit<AcmeOrder, "url">>(res), url };
    },
    async getOrder(url: string): Promise<AcmeOrder> {
      return { ...json<Omit<AcmeOrder, "url">>(await post(url, null)), url };
    },
    async getAuthorization(url: string): Promise<AcmeAuthorization> {
      return json<AcmeAuthorization>(await post(url, null));
    },
    /** Tells the server the challenge is ready to be checked. */
    async respondToChallenge(url: string): Promise<void> {
      await post(url, {});
    },
    async finalize(order: AcmeOrder, csrDer: Buffer): Promise<AcmeOrder> {
      return {
        ...json<Omit<AcmeOrder, "url">>(await post(order.finalize, { csr: base64url(csrDer) })),
        url: order.url,
      };
    },
    async downloadCertificate(url: string): Promise<string> {
      return (await post(url, null)).body.toString("utf8");
    },
    close(): void {
      agent.destroy();
    },
  };
}
