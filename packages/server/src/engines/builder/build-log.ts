import type { BuildEvents, BuildLimits, IsolationReport } from "./builder.types.ts";

export const maskedValue = "••••••";
/** Shorter values would mask half the log ("1", "true"); they are not secrets worth the name. */
const minimumMaskedLength = 4;

/** Replaces every occurrence of each secret in a text; longer secrets first, so one inside another still goes. */
export function createSecretMasker(secrets: string[]): (text: string) => string {
  const values = [...new Set(secrets)].filter((value) => value.length >= minimumMaskedLength);
  values.sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text) => text;
  return (text) => values.reduce((masked, value) => masked.split(value).join(maskedValue), text);
}

export type BuildLog = {
  mask(text: string): string;
  system(text: string): void;
  output(stream: "stdout" | "stderr", text: string): void;
};

/** Every line of a build goes through here, masked, to the control plane. */
export function createBuildLog(events: BuildEvents, secrets: string[]): BuildLog {
  const mask = createSecretMasker(secrets);
  return {
    mask,
    system: (text) => events.onLog({ stream: "system", text: mask(text), at: new Date() }),
    output: (stream, text) => events.onLog({ stream, text: mask(text), at: new Date() }),
  };
}

/** The first lines of every build log: what isolation the build actually got. */
export function describeIsolation(report: IsolationReport, limits: BuildLimits): string[] {
  const lines =
    report.sandbox === "bubblewrap"
      ? [
          `isolation: bubblewrap sandbox, own ${report.namespaces.join(", ")} namespaces; network shared (installs reach the registry)`,
        ]
      : ["isolation: NONE, bubblewrap is not usable on this host: commands run directly on it"];
  const via = (how: string) => (how === "none" ? "not enforced" : `via ${how}`);
  lines.push(
    `limits: memory ${limits.memoryMb} MB ${via(report.memoryLimit)}, ${limits.pids} processes ${via(report.pidsLimit)}, ` +
      `${limits.cpus} CPU ${via(report.cpuLimit)}, ${report.wallClockLimitSeconds} s wall clock`,
  );
  lines.push(
    report.hostUid === 0
      ? "host user: root (no unprivileged user to drop to)"
      : `host user: uid ${report.hostUid} (unprivileged)`,
  );
  return lines;
}
