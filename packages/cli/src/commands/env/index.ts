import type { CommandGroup } from "../../args.ts";
import { envAdd } from "./add.ts";
import { envLs } from "./ls.ts";
import { envPull } from "./pull.ts";
import { envRm } from "./rm.ts";

export const env: CommandGroup = {
  name: "env",
  summary: "Manage a project's environment variables",
  commands: [envLs, envAdd, envRm, envPull],
};
