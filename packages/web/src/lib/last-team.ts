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
