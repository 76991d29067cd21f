import type { IncomingMessage, ServerResponse } from "node:http";
import { normalizeHost } from "./route-table.ts";

export const acmeChallengePrefix = "/.well-known/acme-challenge/";

/** A pending HTTP-01 challenge: the answer, and the host it was issued for. */
export type PendingChallenge = { keyAuthorization: string; hostname: string };

/**
 * Takes a request off the edge's normal handling when it is an ACME HTTP-01 challenge for a
 * token it holds, for the host it was issued for; anything else returns false (the host's own
 * deployment answers). Answers from memory only: the edge never asks the store per request.
 */
export type AcmeChallengeResponder = (req: IncomingMessage, res: ServerResponse) => boolean;

export function createAcmeChallengeResponder(
  known: (token: string) => PendingChallenge | undefined,
): AcmeChallengeResponder {
  return (req, res) => {
    const url = req.url ?? "";
    if ((req.method !== "GET" && req.method !== "HEAD") || !url.startsWith(acmeChallengePrefix)) return false;
    const challenge = known(url.slice(acmeChallengePrefix.length).split("?")[0] ?? "");
    // The server validating the challenge asks with the host the challenge is for.
    if (!challenge || normalizeHost(req.headers.host ?? "") !== challenge.hostname) return false;
    // The key authorization exactly, no trailing newline.
    res.writeHead(200, {
      "content-type": "text/plain; charset=utf-8",
      "content-length": Buffer.byteLength(challenge.keyAuthorization),
      "cache-control": "no-store",
    });
    res.end(req.method === "HEAD" ? undefined : challenge.keyAuthorization);
    return true;
  };
}
