import { defineCommand } from "../../args.ts";
import { resolveProject } from "../../project-link.ts";
import { formatAgo, listFunctions, projectFlag } from "./functions-api.ts";

export const functionsLs = defineCommand(
  {
    name: "ls",
    summary: "List a project's functions: runtime, production version, URL and the last 24 hours",
    flags: { project: projectFlag },
    examples: ["slipway functions ls", "slipway functions ls --project shop --json"],
  },
  async (client, { flags }) => {
    const { output } = client;
    const { team, project } = await resolveProject(client, { ref: flags.project, dir: process.cwd() });
    const functions = await listFunctions(client, team.id, project.id);

    output.result({ items: functions }, () => {
      if (functions.length === 0) {
        return output.print(`No functions in ${project.slug}. Create one with \`slipway functions deploy <dir>\`.`);
      }
      const now = Date.now();
      output.table(
        ["NAME", "RUNTIME", "VERSION", "LAST INVOCATION", "24H", "ERRORS", "URL"],
        functions.map((fn) => [
          fn.name,
          fn.runtime,
          fn.productionVersion === null ? "-" : `v${fn.productionVersion}`,
          formatAgo(fn.lastInvocationAt, now),
          String(fn.invocations24h),
          fn.errorRate24h === null ? "-" : `${(fn.errorRate24h * 100).toFixed(1)}%`,
          fn.url,
        ]),
      );
    });
    return 0;
  },
);
