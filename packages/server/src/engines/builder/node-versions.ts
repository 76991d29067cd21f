import { access, readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { isWorldTraversable } from "../sandbox/bwrap-arguments.ts";

export type NodeInstallation = {
  /** Full version without the v: "20.20.2". */
  version: string;
  major: string;
  binDir: string;
  /** What to bind into the sandbox for it: the install prefix, or null when /usr already holds it. */
  prefix: string | null;
};

/** Directories whose children are one Node install each (`<dir>/v20.1.0/bin/node`), as n, nvm and tarballs lay them out. */
const installRoots = ["/usr/local/n/versions/node", "/usr/local/lib/nodejs", "/opt/nodejs", "/opt/node"];

/** The Node the platform runs on, then any other install found in the usual places, one per major. */
export async function findNodeInstallations(): Promise<NodeInstallation[]> {
  const own = process.version.slice(1);
  const ownBinDir = dirname(process.execPath);
  const found: NodeInstallation[] = [
    {
      version: own,
      major: majorOf(own),
      binDir: ownBinDir,
      prefix: ownBinDir.startsWith("/usr/") ? null : dirname(ownBinDir),
    },
  ];
  for (const root of installRoots) {
    const names = await readdir(root).catch(() => [] as string[]);
    for (const name of names) {
      const version = /^(?:node-)?v?(\d+\.\d+\.\d+)/.exec(name)?.[1];
      const prefix = join(root, name);
      if (!version || found.some((install) => install.major === majorOf(version))) continue;
      const hasNode = await access(join(prefix, "bin", "node"), 1).then(
        () => true,
        () => false,
      );
      // The sandbox user must be able to reach it.
      if (hasNode && (await isWorldTraversable(prefix))) {
        found.push({ version, major: majorOf(version), binDir: join(prefix, "bin"), prefix });
      }
    }
  }
  return found;
}

function majorOf(version: string) {
  return version.split(".")[0] ?? version;
}
