import { type TabLink, TabNav } from "../../../components/tab-nav";

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
  const runtimeTab: TabLink = { label: "Runtime", link: { to: "/t/$teamId/projects/$projectId/runtime", params } };
  const tabs: TabLink[] = [
    { label: "Overview", link: { to: "/t/$teamId/projects/$projectId", params }, isExact: true },
    { label: "Builds", link: { to: "/t/$teamId/projects/$projectId/builds", params } },
    { label: "Deployments", link: { to: "/t/$teamId/projects/$projectId/deployments", params } },
    ...(isServerApp ? [runtimeTab] : []),
    { label: "Functions", link: { to: "/t/$teamId/projects/$projectId/functions", params } },
    { label: "Domains", link: { to: "/t/$teamId/projects/$projectId/domains", params } },
    { label: "Settings", link: { to: "/t/$teamId/projects/$projectId/settings", params } },
  ];
  return <TabNav label="Project" tabs={tabs} />;
}
