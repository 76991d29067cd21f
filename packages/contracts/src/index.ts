export * from "./account.ts";
export * from "./audit.ts";
export * from "./errors.ts";
export * from "./pagination.ts";
export * from "./permissions.ts";
export * from "./system.ts";
export * from "./teams.ts";
export * from "./tokens.ts";
