import { Link, type LinkProps } from "@tanstack/react-router";

export type TabLink = { label: string; link: LinkProps; isExact?: boolean };

/** A page's sections as a row of tabs, each a link with its own address (a project's, a function's). */
export function TabNav({ label, tabs }: { label: string; tabs: TabLink[] }) {
  return (
    <nav aria-label={label} className="-mx-4 overflow-x-auto border-b px-4 sm:mx-0 sm:px-0">
      <div className="flex gap-1">
        {tabs.map((tab) => (
          <Link
            key={tab.label}
            {...tab.link}
            activeOptions={{ exact: tab.isExact ?? false, includeSearch: false }}
            className="-mb-px whitespace-nowrap border-transparent border-b-2 px-3 py-2 text-muted-foreground text-sm outline-none transition-colors hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50 data-[status=active]:border-foreground data-[status=active]:font-medium data-[status=active]:text-foreground"
          >
            {tab.label}
          </Link>
        ))}
      </div>
    </nav>
  );
}
