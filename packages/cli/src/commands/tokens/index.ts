import type { CommandGroup } from "../../args.ts";
import { tokensCreate } from "./create.ts";
import { tokensLs } from "./ls.ts";
import { tokensRevoke } from "./revoke.ts";

export const tokens: CommandGroup = {
  name: "tokens",
  summary: "Manage the current team's API tokens",
  commands: [tokensLs, tokensCreate, tokensRevoke],
};
