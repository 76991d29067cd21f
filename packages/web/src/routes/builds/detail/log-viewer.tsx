import type { BuildLogLine } from "@slipway/contracts";
import { ArrowDown, Download, Search } from "lucide-react";
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { CopyButton } from "../../../components/copy-button";
import { Button } from "../../../components/ui/button";
import { Input } from "../../../components/ui/input";
import type { BuildLogPhase } from "../../../data/build-logs";
import { cn } from "../../../lib/utils";
import { LogStatus } from "./log-status";

/** Every line is one row of this height (no wrapping), which is what lets the list render only what shows. */
const rowHeight = 20;
/** Rows drawn above and below the visible ones, so fast scrolling does not show gaps. */
const overscan = 30;

type NumberedLine = BuildLogLine & { number: number };

const streamClasses: Record<BuildLogLine["stream"], string> = {
  stdout: "",
  stderr: "bg-destructive/[0.07] text-destructive",
  system: "text-sky-700 dark:text-sky-300",
};

/**
 * A build log: line numbers, stderr tinted, Slipway's own lines set apart, a filter, copy and
 * download. It follows new lines while scrolled to the bottom and stops when the reader
 * scrolls up; only the rows in view are in the DOM, so tens of thousands of lines stay smooth.
 */
export function LogViewer({
  lines,
  phase,
  isBuildActive,
  fileName,
  onReconnect,
}: {
  lines: BuildLogLine[];
  phase: BuildLogPhase;
  /** A running build's stream is live; an ended one's only replays what was written. */
  isBuildActive: boolean;
  fileName: string;
  onReconnect: () => void;
}) {
  const [query, setQuery] = useState("");
  const numbered = useMemo(() => lines.map((line, index) => ({ ...line, number: index + 1 })), [lines]);
  const needle = query.trim().toLowerCase();
  const shown = useMemo(
    () => (needle ? numbered.filter((line) => line.text.toLowerCase().includes(needle)) : numbered),
    [numbered, needle],
  );
  const text = useMemo(() => lines.map((line) => line.text).join("\n"), [lines]);

  function download() {
    const url = URL.createObjectURL(new Blob([`${text}\n`], { type: "text/plain" }));
    const link = Object.assign(document.createElement("a"), { href: url, download: fileName });
    link.click();
    URL.revokeObjectURL(url);
  }

  return (
    <div className="grid grid-cols-1 overflow-hidden rounded-xl border bg-card shadow-xs">
      <div className="flex flex-wrap items-center gap-2 border-b p-2">
        <div className="relative min-w-0 flex-1 basis-56 sm:max-w-72">
          <Search className="-translate-y-1/2 pointer-events-none absolute top-1/2 left-2.5 size-4 text-muted-foreground" />
          <Input
            type="search"
            aria-label="Filter log lines"
            placeholder="Filter lines"
            className="h-8 pl-8"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
          />
        </div>
        <div className="flex flex-1 basis-48 items-center justify-between gap-2">
          <LogStatus
            phase={phase}
            isBuildActive={isBuildActive}
            lineCount={lines.length}
            shownCount={needle ? shown.length : null}
            onReconnect={onReconnect}
          />
          <div className="flex items-center gap-1">
            <CopyButton text={text} label="log" />
            <Button
              variant="ghost"
              size="icon-sm"
              aria-label="Download log"
              onClick={download}
              disabled={lines.length === 0}
            >
              <Download />
            </Button>
          </div>
        </div>
      </div>
      <LogLines lines={shown} needle={needle} isEmpty={lines.length === 0} phase={phase} />
    </div>
  );
}

function LogLines({
  lines,
  needle,
  isEmpty,
  phase,
}: {
  lines: NumberedLine[];
  needle: string;
  isEmpty: boolean;
  phase: BuildLogPhase;
}) {
  const viewport = useRef<HTMLElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(480);
  const [isFollowing, setIsFollowing] = useState(true);

  useEffect(() => {
    const element = viewport.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // New lines while following: stay at the bottom (the scroll this causes keeps following on).
  useLayoutEffect(() => {
    const element = viewport.current;
    if (isFollowing && element && lines.length > 0) element.scrollTop = element.scrollHeight;
  }, [lines, isFollowing]);

  function onScroll() {
    const element = viewport.current;
    if (!element) return;
    setScrollTop(element.scrollTop);
    setIsFollowing(element.scrollHeight - element.scrollTop - element.clientHeight < rowHeight * 2);
  }

  // A filter can shrink the list under a scroll position the browser has not clamped yet.
  const top = Math.min(scrollTop, Math.max(0, lines.length * rowHeight - height));
  const first = Math.max(0, Math.floor(top / rowHeight) - overscan);
  const last = Math.min(lines.length, Math.ceil((top + height) / rowHeight) + overscan);
  const digits = String(lines.at(-1)?.number ?? 1).length;

  return (
    <div className="relative">
      <section
        ref={viewport}
        onScroll={onScroll}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the log scrolls; keyboard users must reach it to scroll it.
        tabIndex={0}
        aria-label="Build log"
        className="max-h-[min(65dvh,40rem)] min-h-40 overflow-auto font-mono text-xs outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
      >
        {lines.length === 0 ? (
          <p className="p-4 text-muted-foreground">
            {!isEmpty
              ? "No line matches the filter."
              : phase === "ended"
                ? "This build wrote no log."
                : "Waiting for the log…"}
          </p>
        ) : (
          <div
            className="w-max min-w-full py-2"
            style={{ height: lines.length * rowHeight + 16, paddingTop: first * rowHeight + 8 }}
          >
            {lines.slice(first, last).map((line) => (
              <div
                key={line.seq}
                data-testid="log-line"
                data-stream={line.stream}
                className={cn("flex pr-4 leading-5", streamClasses[line.stream])}
                style={{ height: rowHeight }}
              >
                <span
                  className="sticky left-0 shrink-0 select-none bg-card pr-4 pl-3 text-right text-muted-foreground/70 tabular-nums"
                  style={{ width: `${digits + 3}ch` }}
                  aria-hidden
                >
                  {line.number}
                </span>
                <span className="whitespace-pre">
                  {needle ? <Highlight text={line.text} needle={needle} /> : line.text}
                </span>
              </div>
            ))}
          </div>
        )}
      </section>
      {isFollowing || lines.length === 0 ? null : (
        <Button
          size="sm"
          variant="secondary"
          className="absolute right-4 bottom-4 shadow-md"
          onClick={() => setIsFollowing(true)}
        >
          <ArrowDown />
          Jump to bottom
        </Button>
      )}
    </div>
  );
}

/** Marks each case-insensitive occurrence of `needle` (already lower-cased). */
function Highlight({ text, needle }: { text: string; needle: string }) {
  const parts: { text: string; isMatch: boolean; at: number }[] = [];
  const lower = text.toLowerCase();
  let from = 0;
  for (let at = lower.indexOf(needle); at !== -1; at = lower.indexOf(needle, from)) {
    if (at > from) parts.push({ text: text.slice(from, at), isMatch: false, at: from });
    parts.push({ text: text.slice(at, at + needle.length), isMatch: true, at });
    from = at + needle.length;
  }
  if (from < text.length) parts.push({ text: text.slice(from), isMatch: false, at: from });
  return parts.map((part) =>
    part.isMatch ? (
      <mark key={part.at} className="rounded-sm bg-warning/40 text-inherit">
        {part.text}
      </mark>
    ) : (
      <span key={part.at}>{part.text}</span>
    ),
  );
}
