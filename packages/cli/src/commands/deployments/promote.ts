import { deploymentSchema } from "@slipway/contracts";
import { teamPath } from "../../api-paths.ts";
import { defineCommand } from "../../args.ts";
import { resolveCurrentTeam } from "../../current-team.ts";
import { printProductionChange } from "./rollback.ts";

export const deploymentsPromote = defineCommand(
  {
    name: "promote",
    summary: "Serve a deployment at its project's production URL, now, without rebuilding",
    args: {
      deploymentId: { description: "The deployment's id, as `slipway deployments ls` shows it", required: true },
    },
    examples: ["slipway deployments promote dep_0123456789abcdefghij"],
  },
  async (client, { args }) => {
    const { team } = await resolveCurrentTeam(client);
    const deployment = await client.post(
      `${teamPath(team.id)}/deployments/${encodeURIComponent(args.deploymentId)}/promote`,
      {},
      deploymentSchema,
      { progress: "Promoting" },
    );
    printProductionChange(client, "Promoted", deployment);
    return 0;
  },
);
