import { createHash } from "node:crypto";

/** Where visitors reach the edge. The port is filled in once the edge listens. */
export type EdgeAddress = { domain: string; port: number };

/** A branch name as a DNS label part: `feature/Login_Page` → `feature-login-page`. */
export function branchSlug(branch: string): string {
  const slug = branch
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (slug.length <= 24 && slug.length > 0) return slug;
  // Long or empty: keep it unique with a short hash of the real name.
  const hash = createHash("sha256").update(branch).digest("hex").slice(0, 6);
  return `${slug.slice(0, 17).replace(/-+$/, "")}-${hash}`;
}

export const productionHost = (projectSlug: string, edge: EdgeAddress) => `${projectSlug}.${edge.domain}`;

export const deploymentHost = (label: string, projectSlug: string, edge: EdgeAddress) =>
  `${label}--${projectSlug}.${edge.domain}`;

/** The preview host of a branch, from its slug (what branch aliases store). */
export const branchAliasHost = (projectSlug: string, slug: string, edge: EdgeAddress) =>
  `${projectSlug}-git-${slug}.${edge.domain}`;

export function urlOf(host: string, edge: EdgeAddress): string {
  return `http://${host}${edge.port === 80 ? "" : `:${edge.port}`}`;
}
