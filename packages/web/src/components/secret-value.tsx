import { Eye, EyeOff } from "lucide-react";
import { useState } from "react";
import { cn } from "../lib/utils";
import { CopyButton } from "./copy-button";
import { Button } from "./ui/button";

/** A value kept out of sight until asked for (webhook secrets, env values), with reveal and copy; `label` as for CopyButton. */
export function SecretValue({ value, label, className }: { value: string; label: string; className?: string }) {
  const [isRevealed, setIsRevealed] = useState(false);
  return (
    <span className={cn("flex min-w-0 items-center gap-1", className)}>
      <code
        className={cn(
          "min-w-0 flex-1 truncate font-mono text-xs",
          !isRevealed && "text-muted-foreground tracking-widest",
        )}
        data-testid="secret-value"
      >
        {isRevealed ? value : "•".repeat(Math.min(Math.max(value.length, 8), 16))}
      </code>
      <Button
        type="button"
        variant="ghost"
        size="icon-sm"
        aria-label={`${isRevealed ? "Hide" : "Reveal"} ${label}`}
        aria-pressed={isRevealed}
        onClick={() => setIsRevealed((revealed) => !revealed)}
      >
        {isRevealed ? <EyeOff /> : <Eye />}
      </Button>
      <CopyButton text={value} label={label} />
    </span>
  );
}
