import { Link, type LinkProps } from "@tanstack/react-router";

type Tab = { label: string; link: LinkProps; isExact?: boolean };

/** The project's sections, as links: each tab has its own address. */
export function ProjectTabs({
  teamId,
  projectId,
  isServerApp = false,
}: {
  teamId: string;
  projectId: string;
  /** Server apps have running instances and a runtime log to look at. */
  isServerApp?: boolean;
}) {
  const params = { teamId, projectId };
  const runtimeTab: Tab = { label: "Runtime", link: { to: "/t/$teamId/projects/$projectId/runtime", params } };
  const tabs: Tab[] = [
    { label: "Overview", link: { to: "/t/$teamId/projects/$projectId", params }, isExact: true },
    { label: "Builds", link: { to: "/t/$teamId/projects/$projectId/builds", params } },
    { label: "Deployments", link: { to: "/t/$teamId/projects/$projectId/deployments", params } },
    ...(isServerApp ? [runtimeTab] : []),
    { label: "Domains", link: { to: "/t/$teamId/projects/$projectId/domains", params } },
    { label: "Settings", link: { to: "/t/$teamId/projects/$projectId/settings", params } },
  ];
  return (
    <nav aria-label="Project" className="-mx-4 overflow-x-auto border-b px-4 sm:mx-0 sm:px-0">
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
