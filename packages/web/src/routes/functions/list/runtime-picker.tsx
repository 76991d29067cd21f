import { type FunctionRuntime, functionRuntimeNames, type Runtimes } from "@slipway/contracts";
import { useId } from "react";
import { cn } from "../../../lib/utils";
import { installedVersions, RuntimeMark, runtimeLabels } from "../common/runtime";

/** The four runtimes as radio cards; those this host lacks are shown but can't be chosen. */
export function RuntimePicker({
  runtimes,
  value,
  onChange,
  error,
}: {
  /** Undefined while loading, null when the host could not be asked (the server still checks). */
  runtimes: Runtimes | null | undefined;
  value: FunctionRuntime;
  onChange: (runtime: FunctionRuntime) => void;
  error: string | undefined;
}) {
  const id = useId();
  const versions = runtimes ? installedVersions(runtimes) : null;
  const note = (version: string | null | undefined) => {
    if (runtimes === undefined) return "Checking…";
    if (runtimes === null) return "Version unknown";
    return version ?? "Not installed";
  };
  return (
    <div className="grid gap-2">
      <p id={id} className="font-medium text-sm">
        Runtime
      </p>
      <div role="radiogroup" aria-labelledby={id} className="grid grid-cols-2 gap-2">
        {functionRuntimeNames.map((runtime) => {
          const version = versions?.[runtime];
          // Only a runtime the host is known to lack is off; while checking, the server has the last word.
          const isInstalled = versions === null || version !== null;
          const isChecked = value === runtime;
          return (
            <label
              key={runtime}
              className={cn(
                "flex cursor-pointer items-center gap-2.5 rounded-lg border p-2.5 transition-colors hover:bg-accent",
                "has-[:focus-visible]:ring-[3px] has-[:focus-visible]:ring-ring/50",
                "has-[:disabled]:cursor-not-allowed has-[:disabled]:opacity-50 has-[:disabled]:hover:bg-transparent",
                isChecked && "border-foreground/60 bg-accent ring-1 ring-foreground/60",
              )}
            >
              <input
                type="radio"
                name={id}
                value={runtime}
                checked={isChecked}
                disabled={!isInstalled}
                onChange={() => onChange(runtime)}
                className="sr-only"
              />
              <RuntimeMark runtime={runtime} />
              <span className="grid min-w-0 leading-tight">
                <span className="font-medium text-sm">{runtimeLabels[runtime]}</span>
                <span className="truncate text-muted-foreground text-xs">{note(version)}</span>
              </span>
            </label>
          );
        })}
      </div>
      {error ? <p className="text-destructive text-xs">{error}</p> : null}
    </div>
  );
}
