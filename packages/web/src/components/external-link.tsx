import type { ComponentProps } from "react";
import { displayUrl } from "../lib/format";
import { cn } from "../lib/utils";

/**
 * A deployed site, opened in a new tab. Shows the address without its scheme unless given
 * other children; underlined on hover like the dashboard's other inline links.
 */
export function ExternalLink({ href, className, children, ...props }: ComponentProps<"a"> & { href: string }) {
  return (
    <a
      href={href}
      target="_blank"
      rel="noreferrer"
      className={cn("underline-offset-4 hover:underline", className)}
      {...props}
    >
      {children ?? displayUrl(href)}
    </a>
  );
}
