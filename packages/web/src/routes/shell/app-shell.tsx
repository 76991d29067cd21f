import { Outlet, useParams, useRouterState } from "@tanstack/react-router";
import { Menu } from "lucide-react";
import { useState } from "react";
import { Button } from "../../components/ui/button";
import { Sheet, SheetContent, SheetTitle, SheetTrigger } from "../../components/ui/sheet";
import { Logo } from "../../components/wordmark";
import { useMe } from "../../data/me";
import { homeTeamId } from "../../lib/last-team";
import { SidebarNav } from "./sidebar-nav";
import { TeamSwitcher } from "./team-switcher";
import { UserMenu } from "./user-menu";

/**
 * The signed-in frame: a sidebar on wide screens, a top bar with a slide-in menu on phones.
 * Pages outside a team (account, admin) keep showing the last team in the switcher.
 */
export function AppShell() {
  const me = useMe();
  const params = useParams({ strict: false });
  const teamId = params.teamId ?? homeTeamId(me);
  const team = me.teams.find((t) => t.id === teamId) ?? null;

  const sidebar = (
    <>
      <div className="p-3">
        <TeamSwitcher currentTeam={team} />
      </div>
      <SidebarNav team={team} isInstanceOwner={me.user.isInstanceOwner} />
      <div className="mt-auto border-t p-3">
        <UserMenu />
      </div>
    </>
  );

  return (
    <div className="min-h-dvh md:flex">
      <aside className="sticky top-0 hidden h-dvh w-60 shrink-0 flex-col border-r bg-sidebar md:flex">{sidebar}</aside>
      <MobileTopBar title={team?.name ?? "Slipway"}>{sidebar}</MobileTopBar>
      <main className="min-w-0 flex-1">
        <div className="mx-auto w-full max-w-5xl px-4 py-6 sm:px-8 sm:py-10">
          <Outlet />
        </div>
      </main>
    </div>
  );
}

function MobileTopBar({ title, children }: { title: string; children: React.ReactNode }) {
  const pathname = useRouterState({ select: (state) => state.location.pathname });
  // The menu is open for one page only: any navigation from inside it closes it.
  const [openOn, setOpenOn] = useState<string | null>(null);

  return (
    <header className="sticky top-0 z-40 flex h-14 items-center gap-3 border-b bg-background/90 px-3 backdrop-blur md:hidden">
      <Sheet open={openOn === pathname} onOpenChange={(open) => setOpenOn(open ? pathname : null)}>
        <SheetTrigger asChild>
          <Button variant="ghost" size="icon" aria-label="Open menu">
            <Menu />
          </Button>
        </SheetTrigger>
        <SheetContent aria-describedby={undefined}>
          <SheetTitle className="sr-only">Navigation</SheetTitle>
          {children}
        </SheetContent>
      </Sheet>
      <Logo className="size-5" />
      <span className="truncate font-medium text-sm">{title}</span>
    </header>
  );
}
