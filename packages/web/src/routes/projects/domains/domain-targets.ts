import { type Domain, type Project, redirectStatusLabels } from "@slipway/contracts";

/** The project's production host, as a redirect's `to` names it: no scheme, no port. */
export function productionHostOf(project: Project): string {
  return new URL(project.productionUrl).hostname;
}

/** What a domain serves, in a few words. */
export function describeTarget(domain: Domain): string {
  if (domain.redirect) return `Redirects to ${domain.redirect.to} (${redirectStatusLabels[domain.redirect.status]})`;
  if (domain.branch) return `Serves the latest deployment of branch ${domain.branch}`;
  return "Serves production";
}

/** Hosts a domain of this project may redirect to: production and its other serving, exact domains. */
export function redirectTargetsFor(project: Project, domains: Domain[], hostname: string): string[] {
  const others = domains
    .filter((d) => d.hostname !== hostname && d.redirect === null && !d.isWildcard)
    .map((d) => d.hostname);
  return [...others, productionHostOf(project)];
}
