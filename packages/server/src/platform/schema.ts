export * from "../features/audit/audit.tables.ts";
export * from "../features/auth/auth.tables.ts";
export * from "../features/system/system.tables.ts";
export * from "../features/teams/teams.tables.ts";
export * from "../features/tokens/tokens.tables.ts";
export * from "./platform.tables.ts";
