/** "github.com/acme/site" from "https://github.com/acme/site.git": enough to recognise a repository. */
export function repositoryLabel(url: string): string {
  return url
    .replace(/^[a-z+]+:\/\//i, "")
    .replace(/^[^@/]+@/, "")
    .replace(/\.git$/, "")
    .replace(/\/+$/, "");
}

/** The repository's own name, a good default for the project's: "site". */
export function repositoryName(url: string): string {
  return repositoryLabel(url).split(/[/:]/).filter(Boolean).at(-1) ?? "";
}
