/** Text as a DNS-label-like slug: lowercase letters, digits and single dashes inside. */
export function slugify(text: string, options: { maxLength: number; fallback: string }): string {
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, options.maxLength)
    .replace(/-+$/, "");
  return slug.length >= 2 ? slug : options.fallback;
}
