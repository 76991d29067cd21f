import { cn } from "../lib/utils";

export function Logo({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" aria-hidden className={cn("size-6", className)}>
      <rect width="32" height="32" rx="8" className="fill-foreground" />
      <path d="M7 21.5 16 8l9 13.5H7Z" className="fill-background" />
      <path d="M5 24.5h22" strokeWidth="2" strokeLinecap="round" className="stroke-background" />
    </svg>
  );
}

export function Wordmark({ className }: { className?: string }) {
  return (
    <span className={cn("inline-flex items-center gap-2 font-semibold text-lg tracking-tight", className)}>
      <Logo />
      Slipway
    </span>
  );
}
