import type { CommandGroup } from "../../args.ts";
import { functionsDeploy } from "./deploy.ts";
import { functionsInvoke } from "./invoke.ts";
import { functionsLogs } from "./logs.ts";
import { functionsLs } from "./ls.ts";
import { functionsRollback } from "./rollback.ts";
import { functionsVersions } from "./versions.ts";

export const functions: CommandGroup = {
  name: "functions",
  summary: "Deploy, invoke and inspect a project's serverless functions",
  commands: [functionsLs, functionsDeploy, functionsInvoke, functionsLogs, functionsVersions, functionsRollback],
};
