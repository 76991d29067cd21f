import type { Team } from "@slipway/contracts";
import { useNavigate } from "@tanstack/react-router";
import { ChevronsUpDown, Plus } from "lucide-react";
import { useState } from "react";
import { Avatar } from "../../components/avatar";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuRadioGroup,
  DropdownMenuRadioItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "../../components/ui/dropdown-menu";
import { useMe } from "../../data/me";
import { capitalize } from "../../lib/format";
import { CreateTeamDialog } from "./create-team-dialog";

export function TeamSwitcher({ currentTeam }: { currentTeam: Team | null }) {
  const me = useMe();
  const navigate = useNavigate();
  const [isCreating, setIsCreating] = useState(false);

  return (
    <>
      <DropdownMenu>
        <DropdownMenuTrigger
          className="flex w-full cursor-pointer items-center gap-2 rounded-md p-1.5 text-left outline-none transition-colors hover:bg-accent focus-visible:ring-[3px] focus-visible:ring-ring/50 data-[state=open]:bg-accent"
          aria-label="Switch team"
          data-testid="team-switcher"
        >
          {currentTeam ? <Avatar name={currentTeam.name} seed={currentTeam.id} className="size-7" /> : null}
          <span className="grid min-w-0 flex-1 leading-tight">
            <span className="truncate font-medium text-sm">{currentTeam?.name ?? "Choose a team"}</span>
            {currentTeam ? (
              <span className="truncate text-muted-foreground text-xs">{capitalize(currentTeam.role)}</span>
            ) : null}
          </span>
          <ChevronsUpDown className="size-4 shrink-0 text-muted-foreground" />
        </DropdownMenuTrigger>
        <DropdownMenuContent align="start" className="w-(--radix-dropdown-menu-trigger-width) min-w-60">
          <DropdownMenuLabel>Teams</DropdownMenuLabel>
          <DropdownMenuRadioGroup
            value={currentTeam?.id ?? ""}
            onValueChange={(teamId) => void navigate({ to: "/t/$teamId", params: { teamId } })}
          >
            {me.teams.map((team) => (
              <DropdownMenuRadioItem key={team.id} value={team.id}>
                <Avatar name={team.name} seed={team.id} className="size-5 text-[9px]" />
                <span className="min-w-0 flex-1 truncate">{team.name}</span>
                <span className="text-muted-foreground text-xs">
                  {team.isPersonal ? "Personal" : capitalize(team.role)}
                </span>
              </DropdownMenuRadioItem>
            ))}
          </DropdownMenuRadioGroup>
          <DropdownMenuSeparator />
          <DropdownMenuItem onSelect={() => setIsCreating(true)}>
            <Plus />
            Create team
          </DropdownMenuItem>
        </DropdownMenuContent>
      </DropdownMenu>
      <CreateTeamDialog open={isCreating} onOpenChange={setIsCreating} />
    </>
  );
}
