import { cn } from "../lib/utils";
import { CopyButton } from "./copy-button";

/** Commands to copy into a terminal; scrolls sideways rather than wrap a command. */
export function CodeBlock({ code, label, className }: { code: string; label: string; className?: string }) {
  return (
    <div className={cn("relative rounded-lg border bg-muted/40", className)}>
      <pre className="overflow-x-auto p-3 pr-12 font-mono text-xs leading-relaxed" data-testid="code-block">
        {code}
      </pre>
      <CopyButton text={code} label={label} className="absolute top-1.5 right-1.5 bg-background/80" />
    </div>
  );
}
