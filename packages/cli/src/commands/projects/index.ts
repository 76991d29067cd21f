import type { CommandGroup } from "../../args.ts";
import { projectsCreate } from "./create.ts";
import { projectsLs } from "./ls.ts";
import { projectsRm } from "./rm.ts";

export const projects: CommandGroup = {
  name: "projects",
  summary: "List, create and delete the current team's projects",
  commands: [projectsLs, projectsCreate, projectsRm],
};
