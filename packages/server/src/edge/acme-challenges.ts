import type { IncomingMessage, ServerResponse } from "node:http";
import { normalizeHost } from "./route-table.ts";

export const acmeChallengePrefix = "/.well-known/acme-challenge/";

/** A pending HTTP-01 challenge: the answer, and the host it was issued for. */
export type PendingChallenge = { keyAuthorization: string; hostname: string };

/**
 * Takes a request off the edge's normal handling when it is an ACME HTTP-01 challenge for a
 * token it knows; for anything else it returns false, or (for a token it had to look up and
 * did not find) calls `next` so the host's own deployment answers.
 */
export type AcmeChallengeResponder = (req: IncomingMessage, res: ServerResponse, next: () => void) => boolean;

const tokenPattern = /^[A-Za-z0-9_-]{16,256}$/;

/** A responder from a lookup: in memory first, then (async) wherever the lookup goes. */
export function createAcmeChallengeResponder(lookup: {
  known(token: string): PendingChallenge | undefined;
  find(token: string): Promise<PendingChallenge | undefined>;
  onError(error: unknown): void;
}): AcmeChallengeResponder {
  function answer(req: IncomingMessage, res: ServerResponse, challenge: PendingChallenge, next: () => void) {
    // The server validating the challenge asks with the host the challenge is for.
    if (normalizeHost(req.headers.host ?? "") !== challenge.hostname) return next();
    // The key authorization exactly, no trailing newline.
    res.writeHead(200, {
      "content-type": "text/plain; charset=utf-8",
      "content-length": Buffer.byteLength(challenge.keyAuthorization),
      "cache-control": "no-store",
    });
    res.end(req.method === "HEAD" ? undefined : challenge.keyAuthorization);
  }

  return (req, res, next) => {
    const url = req.url ?? "";
    if ((req.method !== "GET" && req.method !== "HEAD") || !url.startsWith(acmeChallengePrefix)) return false;
    const token = url.slice(acmeChallengePrefix.length).split("?")[0] ?? "";
    if (!tokenPattern.test(token)) return false;
    const known = lookup.known(token);
    if (known) {
      answer(req, res, known, next);
      return true;
    }
    lookup.find(token).then(
      (found) => (found ? answer(req, res, found, next) : next()),
      (error) => {
        lookup.onError(error);
        next();
      },
    );
    return true;
  };
}
