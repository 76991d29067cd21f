import { cn } from "../lib/utils";

function hue(seed: string): number {
  let hash = 0;
  for (const char of seed) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % 360;
}

function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? `${words[0]?.[0] ?? ""}${words[1]?.[0] ?? ""}` : name.slice(0, 1);
  return letters.toUpperCase() || "?";
}

/** A stable, colourful mark for a team or a person, derived from its id. */
export function Avatar({
  name,
  seed,
  shape = "square",
  className,
}: {
  name: string;
  seed: string;
  shape?: "square" | "round";
  className?: string;
}) {
  const h = hue(seed);
  return (
    <span
      aria-hidden
      className={cn(
        "inline-flex size-6 shrink-0 select-none items-center justify-center font-semibold text-[10px] text-white",
        shape === "round" ? "rounded-full" : "rounded-md",
        className,
      )}
      style={{ backgroundImage: `linear-gradient(135deg, oklch(0.68 0.15 ${h}), oklch(0.55 0.17 ${(h + 50) % 360}))` }}
    >
      {initials(name)}
    </span>
  );
}
