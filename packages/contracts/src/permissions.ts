import { z } from "zod";

/**
 * Every permission a route can declare. A role is a set of these; an API token carries
 * a subset of its creator's. Later features add their own names here.
 */
export const permissions = [
  "team:read",
  "team:update",
  "team:delete",
  "members:read",
  "members:manage",
  "tokens:read",
  "tokens:create",
  "tokens:manage",
  "audit:read",
  "billing:read",
  "billing:manage",
  "projects:read",
  "projects:create",
  "projects:update",
  "projects:delete",
  "builds:create",
  "builds:cancel",
  "deployments:promote",
  "env:read",
  "env:write",
  "apps:manage",
  "domains:manage",
  "functions:manage",
  "functions:invoke",
] as const;

export type Permission = (typeof permissions)[number];
export const permissionSchema = z.enum(permissions);

export const permissionDescriptions: Record<Permission, string> = {
  "team:read": "See the team and its settings",
  "team:update": "Rename the team and change its settings",
  "team:delete": "Delete the team",
  "members:read": "See who is in the team",
  "members:manage": "Add and remove members, change their roles",
  "tokens:read": "List the team's API tokens",
  "tokens:create": "Create API tokens and revoke one's own",
  "tokens:manage": "Revoke anyone's API tokens",
  "audit:read": "Read the audit log",
  "billing:read": "See billing and usage",
  "billing:manage": "Change billing details",
  "projects:read": "See projects, builds, deployments and their logs",
  "projects:create": "Create projects",
  "projects:update": "Change a project's git connection, build settings, limits and hooks",
  "projects:delete": "Delete projects",
  "builds:create": "Start, retry and upload builds; clear the build cache",
  "builds:cancel": "Cancel running builds",
  "deployments:promote": "Promote deployments to production and roll back",
  "env:read": "Read environment variables (never the sensitive ones)",
  "env:write": "Add, change and remove environment variables",
  "apps:manage": "Scale, restart and stop a project's running instances",
  "domains:manage": "Add, verify and remove custom domains and TLS certificates",
  "functions:manage": "Create, deploy, configure, roll back and delete functions and their triggers",
  "functions:invoke": "Invoke functions, private ones included, and test them",
};

export const builtInRoles = ["owner", "admin", "developer", "viewer", "billing"] as const;
export type BuiltInRole = (typeof builtInRoles)[number];
export const roleSchema = z.enum(builtInRoles);

const all = [...permissions];

export const rolePermissions: Record<BuiltInRole, readonly Permission[]> = {
  owner: all,
  admin: all.filter((p) => p !== "team:delete" && p !== "billing:manage"),
  developer: [
    "team:read",
    "members:read",
    "tokens:read",
    "tokens:create",
    "projects:read",
    "projects:create",
    "projects:update",
    "builds:create",
    "builds:cancel",
    "deployments:promote",
    "env:read",
    "env:write",
    "apps:manage",
    "functions:manage",
    "functions:invoke",
  ],
  viewer: ["team:read", "members:read", "projects:read", "env:read"],
  billing: ["team:read", "members:read", "billing:read", "billing:manage", "projects:read"],
};

export const roleDescriptions: Record<BuiltInRole, string> = {
  owner: "Full control, including deleting the team and billing",
  admin: "Manages members, tokens and settings; cannot delete the team",
  developer: "Builds and deploys; creates API tokens",
  viewer: "Read-only access",
  billing: "Manages billing; read-only elsewhere",
};

export function roleHasPermission(role: BuiltInRole, permission: Permission): boolean {
  return rolePermissions[role].includes(permission);
}
