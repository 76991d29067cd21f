import { access, lstat, readlink, realpath } from "node:fs/promises";
import { delimiter, dirname, join, posix } from "node:path";
import type { SandboxBind } from "./sandbox.types.ts";

/** Where the workspace appears inside the sandbox. */
export const workspaceMountPoint = "/workspace";
/** The user the command is inside the sandbox; on the host it is whoever ran bwrap. */
export const innerUser = { uid: 1000, gid: 1000, name: "builder", home: "/tmp/home" };
export const defaultSandboxPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Merged-/usr systems have these as symlinks into /usr; older ones as directories. */
const topLevelSystemDirs = ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];

/**
 * The pieces of /etc a build needs: name resolution, TLS roots, the dynamic linker cache, the
 * alternatives that /usr/bin links point through, time zone. Not /etc/ssl/private, not
 * /etc/shadow, not /etc/gitconfig (it may name credential helpers). passwd and group are
 * synthesized: the host's user list is none of the build's business.
 */
const etcFiles = [
  "/etc/ssl/certs",
  "/etc/ssl/openssl.cnf",
  "/etc/ca-certificates",
  "/etc/pki/tls/certs",
  "/etc/resolv.conf",
  "/etc/hosts",
  "/etc/host.conf",
  "/etc/nsswitch.conf",
  "/etc/gai.conf",
  "/etc/services",
  "/etc/protocols",
  "/etc/localtime",
  "/etc/ld.so.cache",
  "/etc/ld.so.conf",
  "/etc/ld.so.conf.d",
  "/etc/alternatives",
  "/etc/npmrc",
];

export const passwdFile = [
  "root:x:0:0:root:/root:/usr/sbin/nologin",
  `${innerUser.name}:x:${innerUser.uid}:${innerUser.gid}:Slipway build:${innerUser.home}:/bin/sh`,
  "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin",
  "",
].join("\n");
export const groupFile = ["root:x:0:", `${innerUser.name}:x:${innerUser.gid}:`, "nogroup:x:65534:", ""].join("\n");

/** The part of the bwrap command line that is the same for every run: what of the host is visible. */
export type SystemView = { args: string[]; toolBinDirs: string[]; unreachableTools: string[] };

/**
 * Finds how this host lays out its system directories and where node, npm and git live; a
 * tool installed outside /usr (nvm, /opt) gets its install prefix bound read-only.
 */
export async function describeSystemView(): Promise<SystemView> {
  const args = ["--ro-bind", "/usr", "/usr"];
  for (const dir of topLevelSystemDirs) {
    const stat = await lstat(dir).catch(() => null);
    if (stat?.isSymbolicLink()) args.push("--symlink", await readlink(dir), dir);
    else if (stat?.isDirectory()) args.push("--ro-bind", dir, dir);
  }
  for (const file of etcFiles) args.push("--ro-bind-try", file, file);

  const toolBinDirs: string[] = [];
  const unreachableTools: string[] = [];
  const boundPrefixes = ["/usr/", ...topLevelSystemDirs.map((dir) => `${dir}/`)];
  for (const tool of ["node", "npm", "git"]) {
    const found = tool === "node" ? process.execPath : await findOnPath(tool);
    if (!found) continue;
    const target = await realpath(found);
    if (boundPrefixes.some((prefix) => found.startsWith(prefix) && target.startsWith(prefix))) continue;
    // <prefix>/bin/<tool> → bind <prefix>; npm's real file is <prefix>/lib/node_modules/npm/bin/npm-cli.js.
    const binDir = dirname(found);
    const prefix = dirname(binDir);
    if (!(await isWorldTraversable(prefix))) {
      unreachableTools.push(`${tool} (${prefix})`);
      continue;
    }
    if (!toolBinDirs.includes(binDir)) {
      args.push("--ro-bind", prefix, prefix);
      toolBinDirs.push(binDir);
    }
  }
  return { args, toolBinDirs, unreachableTools };
}

export type RunLayout = {
  systemView: SystemView;
  workspace: string;
  subdir: string;
  /** Absolute, inside the sandbox; overrides /workspace/<subdir>. */
  workdir?: string;
  env: Record<string, string>;
  extraReadOnlyBinds: SandboxBind[];
  /** File descriptors the caller fills with passwdFile and groupFile. */
  passwdFd: number;
  groupFd: number;
};

/** Everything but the command, NUL-separated for `bwrap --args <fd>`: env values never show in `ps`. */
export function bwrapArguments(layout: RunLayout): string[] {
  const args = [
    "--unshare-user",
    "--uid",
    String(innerUser.uid),
    "--gid",
    String(innerUser.gid),
    "--disable-userns",
    // Root on the host keeps a bounding set otherwise; nothing inside needs a capability.
    "--cap-drop",
    "ALL",
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-uts",
    "--unshare-cgroup-try",
    "--hostname",
    "slipway-sandbox",
    "--die-with-parent",
    "--new-session",
    "--clearenv",
    ...layout.systemView.args,
    "--ro-bind-data",
    String(layout.passwdFd),
    "/etc/passwd",
    "--ro-bind-data",
    String(layout.groupFd),
    "/etc/group",
    "--proc",
    "/proc",
    "--dev",
    "/dev",
    "--tmpfs",
    "/tmp",
    "--dir",
    innerUser.home,
    "--bind",
    layout.workspace,
    workspaceMountPoint,
  ];
  for (const bind of layout.extraReadOnlyBinds) args.push("--ro-bind", bind.source, bind.destination);
  args.push("--chdir", layout.workdir ?? posix.join(workspaceMountPoint, layout.subdir));
  for (const [name, value] of Object.entries(layout.env)) args.push("--setenv", name, value);
  return args;
}

/** The environment the command sees: the caller's variables over a minimal base. */
export function sandboxEnvironment(env: Record<string, string>, home: string, toolBinDirs: string[]) {
  const merged: Record<string, string> = {
    PATH: [...toolBinDirs, defaultSandboxPath].join(":"),
    HOME: home,
    CI: "1",
    LANG: "C.UTF-8",
    ...env,
  };
  for (const [name, value] of Object.entries(merged)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid environment variable name: ${name}`);
    if (value.includes("\0")) throw new Error(`environment variable ${name} contains a NUL byte`);
  }
  return merged;
}

/** A subdirectory of the workspace, refused when it would climb out of it. */
export function checkSubdir(subdir: string): string {
  const normalized = posix.normalize(subdir || ".");
  if (posix.isAbsolute(normalized) || normalized === ".." || normalized.startsWith("../")) {
    throw new Error(`subdir must stay inside the workspace: ${subdir}`);
  }
  return normalized === "." ? "" : normalized;
}

async function findOnPath(command: string): Promise<string | null> {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    const isExecutable = await access(candidate, 1).then(
      () => true,
      () => false,
    );
    if (isExecutable) return candidate;
  }
  return null;
}

/** bwrap runs as the unprivileged sandbox user: every directory up to a bound path needs o+x. */
export async function isWorldTraversable(path: string): Promise<boolean> {
  let current = path;
  for (;;) {
    const stat = await lstat(current).catch(() => null);
    if (!stat) return false;
    if (stat.isDirectory() && (stat.mode & 0o001) === 0) return false;
    const parent = dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}
