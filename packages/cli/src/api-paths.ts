/** API paths under the team, with every id escaped. */
export const teamPath = (teamId: string) => `/api/v1/teams/${encodeURIComponent(teamId)}`;

export const projectPath = (teamId: string, projectId: string) =>
  `${teamPath(teamId)}/projects/${encodeURIComponent(projectId)}`;

export const buildPath = (teamId: string, buildId: string) =>
  `${teamPath(teamId)}/builds/${encodeURIComponent(buildId)}`;

export const deploymentPath = (teamId: string, deploymentId: string) =>
  `${teamPath(teamId)}/deployments/${encodeURIComponent(deploymentId)}`;
