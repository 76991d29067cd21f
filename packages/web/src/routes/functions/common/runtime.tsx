import type { FunctionRuntime, Runtimes } from "@slipway/contracts";
import { useRuntimes } from "../../../data/system";
import { cn } from "../../../lib/utils";

export const runtimeLabels: Record<FunctionRuntime, string> = {
  node: "Node.js",
  python: "Python",
  go: "Go",
  ruby: "Ruby",
};

/** Each runtime's mark: its color and a short tag, so a list reads at a glance. */
const runtimeMarks: Record<FunctionRuntime, { tag: string; className: string }> = {
  node: { tag: "JS", className: "bg-[#5fa04e]/15 text-[#3c7a2f] dark:text-[#8cd27a]" },
  python: { tag: "PY", className: "bg-[#3776ab]/15 text-[#2a5d88] dark:text-[#7fb2e5]" },
  go: { tag: "GO", className: "bg-[#00add8]/15 text-[#00799a] dark:text-[#6fd8f2]" },
  ruby: { tag: "RB", className: "bg-[#cc342d]/15 text-[#a32a24] dark:text-[#f08a85]" },
};

/** The version of each runtime installed on this host; null for one it lacks. */
export function installedVersions(runtimes: Runtimes): Record<FunctionRuntime, string | null> {
  return {
    node: runtimes.node.default,
    python: runtimes.python?.version ?? null,
    go: runtimes.go?.version ?? null,
    ruby: runtimes.ruby?.version ?? null,
  };
}

/** "Node.js 20", "Python 3.11.2"; just the name while the versions load or when the host lacks it. */
export function useRuntimeName() {
  const runtimes = useRuntimes();
  const versions = runtimes.data ? installedVersions(runtimes.data) : null;
  return (runtime: FunctionRuntime) => {
    const version = versions?.[runtime];
    return version ? `${runtimeLabels[runtime]} ${version}` : runtimeLabels[runtime];
  };
}

export function RuntimeMark({ runtime, className }: { runtime: FunctionRuntime; className?: string }) {
  const mark = runtimeMarks[runtime];
  return (
    <span
      aria-hidden
      className={cn(
        "inline-flex size-8 shrink-0 items-center justify-center rounded-md font-mono font-semibold text-[11px]",
        mark.className,
        className,
      )}
    >
      {mark.tag}
    </span>
  );
}
