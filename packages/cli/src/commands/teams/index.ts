import type { CommandGroup } from "../../args.ts";
import { teamsLs } from "./ls.ts";
import { teamsSwitch } from "./switch.ts";

export const teams: CommandGroup = {
  name: "teams",
  summary: "List and switch teams",
  commands: [teamsLs, teamsSwitch],
};
