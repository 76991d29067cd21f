import { type BuiltInRole, builtInRoles } from "@slipway/contracts";

/** A stored role name as a built-in role; an unknown name (a custom role not yet built) reads as viewer. */
export function asRole(role: string): BuiltInRole {
  return (builtInRoles as readonly string[]).includes(role) ? (role as BuiltInRole) : "viewer";
}
