import { Resolver } from "node:dns/promises";
import type { RoutingCheck } from "@slipway/contracts";

export type DnsChecker = ReturnType<typeof createDnsChecker>;

/** What a TXT lookup found, in the words the dashboard shows. */
export type ProofCheck = { isProven: boolean; result: string };

/** What the routing record should be: an A record to this server, or a CNAME to the project's host. */
export type RoutingExpectation =
  | { type: "A"; ip: string | null }
  | { type: "CNAME"; target: string; ip: string | null };

const errorCodeOf = (error: unknown) =>
  error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : "UNKNOWN";

const trimDot = (name: string) => name.toLowerCase().replace(/\.$/, "");

/** c-ares' error codes, as a domain owner understands them. */
function lookupFailure(error: unknown, record: string): { message: string; isMissing: boolean } {
  const code = errorCodeOf(error);
  switch (code) {
    case "ENOTFOUND":
      return { message: `no ${record} record (NXDOMAIN)`, isMissing: true };
    case "ENODATA":
      return { message: `no ${record} record (the name exists, without ${record} values)`, isMissing: true };
    case "ETIMEOUT":
      return { message: "DNS server timed out", isMissing: false };
    case "ECONNREFUSED":
      return { message: "DNS server refused the connection", isMissing: false };
    case "ESERVFAIL":
      return { message: "DNS server failed to answer (SERVFAIL)", isMissing: false };
    case "EREFUSED":
      return { message: "DNS server refused the query (REFUSED)", isMissing: false };
    default:
      return { message: `DNS lookup failed (${code})`, isMissing: false };
  }
}

const quoted = (values: string[]) => values.map((v) => JSON.stringify(v)).join(", ");

/**
 * Real DNS lookups through node:dns (c-ares): the configured servers, or the system's. A fresh
 * resolver per check, so a slow server holds up only its own check.
 */
export function createDnsChecker(options: { servers: string[]; timeoutMs?: number; tries?: number }) {
  function resolver(): Resolver {
    const r = new Resolver({ timeout: options.timeoutMs ?? 2000, tries: options.tries ?? 2 });
    if (options.servers.length > 0) r.setServers(options.servers);
    return r;
  }

  /** Looks for `expected` among the TXT values at `name`. */
  async function checkProof(name: string, expected: string): Promise<ProofCheck> {
    let values: string[];
    try {
      // A TXT value may come in several strings; they make one value.
      values = (await resolver().resolveTxt(name)).map((chunks) => chunks.join(""));
    } catch (error) {
      return { isProven: false, result: lookupFailure(error, "TXT").message };
    }
    const isProven = values.includes(expected);
    const found = `found TXT values: ${quoted(values)}`;
    return { isProven, result: isProven ? found : `${found}; none is ${JSON.stringify(expected)}` };
  }

  async function checkA(hostname: string, ip: string | null, r: Resolver): Promise<RoutingCheck> {
    let ips: string[];
    try {
      ips = await r.resolve4(hostname);
    } catch (error) {
      const failure = lookupFailure(error, "A");
      return { status: failure.isMissing ? "missing" : "unknown", message: failure.message };
    }
    if (ips.length === 0) return { status: "missing", message: "no A record" };
    const list = ips.join(", ");
    if (ip === null)
      return { status: "unknown", message: `A record points to ${list}; this server's public IP is not configured` };
    return ips.includes(ip)
      ? { status: "ok", message: `A record points to ${ip}` }
      : { status: "mismatch", message: `A record points to ${list}, not ${ip}` };
  }

  /** Whether the A or CNAME record points here. Informational: it never decides verification. */
  async function checkRouting(hostname: string, expected: RoutingExpectation): Promise<RoutingCheck> {
    const r = resolver();
    if (expected.type === "A") return checkA(hostname, expected.ip, r);
    let targets: string[];
    try {
      targets = (await r.resolveCname(hostname)).map(trimDot);
    } catch (error) {
      const failure = lookupFailure(error, "CNAME");
      // No CNAME, but the name exists: an A record to this server (CNAME flattening) routes as well.
      if (errorCodeOf(error) === "ENODATA" && expected.ip !== null) {
        const a = await checkA(hostname, expected.ip, r);
        if (a.status === "ok" || a.status === "mismatch") return a;
      }
      return { status: failure.isMissing ? "missing" : "unknown", message: failure.message };
    }
    if (targets.length === 0) return { status: "missing", message: "no CNAME record" };
    return targets.includes(expected.target)
      ? { status: "ok", message: `CNAME points to ${expected.target}` }
      : { status: "mismatch", message: `CNAME points to ${targets.join(", ")}, not ${expected.target}` };
  }

  return { checkProof, checkRouting };
}
