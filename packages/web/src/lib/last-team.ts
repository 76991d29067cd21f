import type { Me } from "@slipway/contracts";

const key = "slipway.lastTeamId";

/** The team the dashboard opens at `/`; kept per browser, not per account. */
export function readLastTeamId(): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function rememberLastTeamId(teamId: string): void {
  try {
    localStorage.setItem(key, teamId);
  } catch {
    // Storage can be disabled (private mode); the dashboard then opens the personal team.
  }
}

/** Where `/` and pages outside a team point: the last team used here, else the personal team. */
export function homeTeamId(me: Me): string | null {
  const lastTeamId = readLastTeamId();
  const team =
    me.teams.find((t) => t.id === lastTeamId) ?? me.teams.find((t) => t.isPersonal) ?? me.teams.at(0) ?? null;
  return team?.id ?? null;
}
