import { execFileSync } from "node:child_process";

function hasCommand(name: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** nginx, wrk and taskset come from Debian; installed when missing and we may (root, apt-get). */
export function ensureLoadTools(benchmark: string): void {
  const missing = ["nginx", "wrk", "taskset"].filter((c) => !hasCommand(c));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0 || !hasCommand("apt-get")) {
    throw new Error(`${benchmark} needs ${missing.join(", ")}: apt-get install -y nginx wrk util-linux`);
  }
  console.log(`${benchmark}: installing ${missing.join(", ")} (apt-get)…`);
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
  execFileSync("apt-get", ["install", "-y", "-qq", "nginx", "wrk", "util-linux"], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
}
