import type { DnsRecord } from "@slipway/contracts";
import { type EdgeAddress, productionHost } from "../deployments/hostnames.ts";

/** What the instance tells domain owners to point at it. */
export type DomainTargets = {
  edge: EdgeAddress;
  /** The IPv4 address an apex's A record holds; null when the operator did not say (SLIPWAY_PUBLIC_IP). */
  publicIp: string | null;
  /** Where subdomains CNAME to instead of the project's production host (SLIPWAY_CNAME_TARGET). */
  cnameTarget: string | null;
};

export const isWildcardHost = (hostname: string) => hostname.startsWith("*.");

/** The name under the wildcard: `*.example.com` → `example.com`. */
export const baseHostOf = (hostname: string) => (isWildcardHost(hostname) ? hostname.slice(2) : hostname);

/**
 * Two labels make an apex (`example.com`), which can hold no CNAME. A simplification: an apex
 * under a two-label public suffix (`shop.co.uk`) counts as a subdomain, and its owner adds the A
 * record by hand if their provider refuses the CNAME.
 */
export const isApexHost = (hostname: string) => !isWildcardHost(hostname) && hostname.split(".").length === 2;

/** Where the ownership proof lives; a wildcard is proven on its base name, as providers refuse `*` in names. */
export const challengeHostOf = (hostname: string) => `_slipway-challenge.${baseHostOf(hostname)}`;

export const challengeValueOf = (token: string) => `slipway-verify=${token}`;

export const cnameTargetOf = (projectSlug: string, targets: DomainTargets) =>
  targets.cnameTarget ?? productionHost(projectSlug, targets.edge);

export const publicIpHint = "the public IP address of this server";

/** The records a domain's owner creates: the TXT proof, then the A or CNAME that routes visitors here. */
export function dnsRecordsFor(
  domain: { hostname: string; verificationToken: string },
  projectSlug: string,
  targets: DomainTargets,
): DnsRecord[] {
  const proof: DnsRecord = {
    type: "TXT",
    name: challengeHostOf(domain.hostname),
    value: challengeValueOf(domain.verificationToken),
    purpose: "verification",
    hint: null,
  };
  const routing: DnsRecord = isApexHost(domain.hostname)
    ? {
        type: "A",
        name: domain.hostname,
        value: targets.publicIp,
        purpose: "routing",
        hint: targets.publicIp === null ? publicIpHint : null,
      }
    : {
        type: "CNAME",
        name: domain.hostname,
        value: cnameTargetOf(projectSlug, targets),
        purpose: "routing",
        hint: null,
      };
  return [proof, routing];
}

/**
 * Why a domain belongs to the instance itself and no project may claim it, or null: the edge
 * domain, any name under it, a wildcard that would cover the edge domain, the CNAME target.
 */
export function platformHostProblem(hostname: string, targets: DomainTargets): string | null {
  const edge = targets.edge.domain.toLowerCase();
  const base = baseHostOf(hostname);
  const own = [edge, ...(targets.cnameTarget ? [targets.cnameTarget] : [])];
  for (const host of own) {
    if (base === host || base.endsWith(`.${host}`))
      return `${hostname} belongs to this Slipway instance; use a domain of your own`;
  }
  if (isWildcardHost(hostname) && edge.slice(edge.indexOf(".") + 1) === base)
    return `${hostname} would cover ${edge}, this Slipway instance's own domain`;
  return null;
}
