import type { CommandGroup } from "../../args.ts";
import { deploymentsLs } from "./ls.ts";
import { deploymentsPromote } from "./promote.ts";
import { deploymentsRollback } from "./rollback.ts";

export const deployments: CommandGroup = {
  name: "deployments",
  summary: "List deployments, promote one to production, roll production back",
  commands: [deploymentsLs, deploymentsPromote, deploymentsRollback],
};
