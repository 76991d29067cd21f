import type { ProgramEntry } from "../help.ts";
import { login } from "./login.ts";
import { logout } from "./logout.ts";
import { teams } from "./teams/index.ts";
import { tokens } from "./tokens/index.ts";
import { whoami } from "./whoami.ts";

/** Every command, in the order help lists them. */
export const program: readonly ProgramEntry[] = [login, logout, whoami, teams, tokens];
