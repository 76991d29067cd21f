import type { ProgramEntry } from "../help.ts";
import { builds } from "./builds/index.ts";
import { deploy } from "./deploy.ts";
import { deployments } from "./deployments/index.ts";
import { env } from "./env/index.ts";
import { login } from "./login.ts";
import { logout } from "./logout.ts";
import { projects } from "./projects/index.ts";
import { teams } from "./teams/index.ts";
import { tokens } from "./tokens/index.ts";
import { whoami } from "./whoami.ts";

/** Every command, in the order help lists them. */
export const program: readonly ProgramEntry[] = [
  deploy,
  projects,
  builds,
  deployments,
  env,
  login,
  logout,
  whoami,
  teams,
  tokens,
];
