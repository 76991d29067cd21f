import type { ProgramEntry } from "../help.ts";
import { builds } from "./builds/index.ts";
import { deploy } from "./deploy.ts";
import { deployments } from "./deployments/index.ts";
import { env } from "./env/index.ts";
import { functions } from "./functions/index.ts";
import { instances } from "./instances.ts";
import { login } from "./login.ts";
import { logout } from "./logout.ts";
import { logs } from "./logs.ts";
import { projects } from "./projects/index.ts";
import { restart } from "./restart.ts";
import { scale } from "./scale.ts";
import { teams } from "./teams/index.ts";
import { tokens } from "./tokens/index.ts";
import { whoami } from "./whoami.ts";

/** Every command, in the order help lists them. */
export const program: readonly ProgramEntry[] = [
  deploy,
  projects,
  builds,
  deployments,
  logs,
  instances,
  scale,
  restart,
  env,
  functions,
  login,
  logout,
  whoami,
  teams,
  tokens,
];
