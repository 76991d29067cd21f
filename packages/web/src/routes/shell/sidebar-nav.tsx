import type { Permission, Team } from "@slipway/contracts";
import { Link, type LinkProps } from "@tanstack/react-router";
import {
  FolderGit2,
  Hammer,
  House,
  KeyRound,
  type LucideIcon,
  Mail,
  ScrollText,
  Settings,
  ShieldCheck,
  SquareFunction,
  UserRound,
} from "lucide-react";

type NavItem = { label: string; icon: LucideIcon; link: LinkProps; isExact?: boolean };

/** Only sections that work are listed; later features add theirs here. */
function teamItems(team: Team): NavItem[] {
  const params = { teamId: team.id };
  const can = (permission: Permission) => team.permissions.includes(permission);
  const items: (NavItem | false)[] = [
    can("projects:read") && { label: "Projects", icon: FolderGit2, link: { to: "/t/$teamId/projects", params } },
    can("projects:read") && { label: "Builds", icon: Hammer, link: { to: "/t/$teamId/builds", params } },
    can("projects:read") && {
      label: "Functions",
      icon: SquareFunction,
      link: { to: "/t/$teamId/functions", params },
    },
    { label: "Overview", icon: House, link: { to: "/t/$teamId", params }, isExact: true },
    can("tokens:read") && { label: "API tokens", icon: KeyRound, link: { to: "/t/$teamId/tokens", params } },
    can("audit:read") && { label: "Audit log", icon: ScrollText, link: { to: "/t/$teamId/audit", params } },
    { label: "Settings", icon: Settings, link: { to: "/t/$teamId/settings", params } },
  ];
  return items.filter((item) => item !== false);
}

export function SidebarNav({ team, isInstanceOwner }: { team: Team | null; isInstanceOwner: boolean }) {
  return (
    <nav aria-label="Main" className="flex flex-col gap-5 overflow-y-auto px-3 py-2">
      {team ? <NavSection items={teamItems(team)} /> : null}
      <NavSection title="You" items={[{ label: "Account", icon: UserRound, link: { to: "/account" } }]} />
      {isInstanceOwner ? (
        <NavSection
          title="Instance"
          items={[
            { label: "Mail outbox", icon: Mail, link: { to: "/admin/mail" } },
            { label: "Instance audit", icon: ShieldCheck, link: { to: "/admin/audit" } },
          ]}
        />
      ) : null}
    </nav>
  );
}

function NavSection({ title, items }: { title?: string; items: NavItem[] }) {
  return (
    <div className="grid gap-0.5">
      {title ? <p className="px-2 pb-1 font-medium text-muted-foreground text-xs">{title}</p> : null}
      {items.map((item) => (
        <Link
          key={item.label}
          {...item.link}
          activeOptions={{ exact: item.isExact ?? false, includeSearch: false }}
          className="flex h-8 items-center gap-2.5 rounded-md px-2 text-muted-foreground text-sm outline-none transition-colors hover:bg-accent hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50 data-[status=active]:bg-accent data-[status=active]:font-medium data-[status=active]:text-foreground"
        >
          <item.icon className="size-4" />
          {item.label}
        </Link>
      ))}
    </div>
  );
}
