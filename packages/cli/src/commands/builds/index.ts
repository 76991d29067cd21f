import type { CommandGroup } from "../../args.ts";
import { buildsCancel } from "./cancel.ts";
import { buildsLogs } from "./logs.ts";
import { buildsLs } from "./ls.ts";
import { buildsRetry } from "./retry.ts";

export const builds: CommandGroup = {
  name: "builds",
  summary: "List builds, read their logs, cancel and retry them",
  commands: [buildsLs, buildsLogs, buildsCancel, buildsRetry],
};
