import { ArrowDown } from "lucide-react";
import { type ReactNode, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { cn } from "../lib/utils";
import { Button } from "./ui/button";

/** Every line is one row of this height (no wrapping), which is what lets the list render only what shows. */
const rowHeight = 20;
/** Rows drawn above and below the visible ones, so fast scrolling does not show gaps. */
const overscan = 30;

export type LogStream = "stdout" | "stderr" | "system";

/** One row on screen: a line, or one part of a line with line breaks in it (an exit's last output). */
type Row<T> = { line: T; text: string; part: number };

function toRows<T extends { text: string }>(lines: T[]): Row<T>[] {
  return lines.flatMap((line) =>
    line.text.includes("\n")
      ? line.text.split("\n").map((text, part) => ({ line, text, part }))
      : [{ line, text: line.text, part: 0 }],
  );
}

const streamClasses: Record<LogStream, string> = {
  stdout: "",
  stderr: "bg-destructive/[0.07] text-destructive",
  system: "text-sky-700 dark:text-sky-300",
};

/**
 * The lines of a log (a build's, an app's): stderr tinted, Slipway's own lines set apart, a
 * sticky gutter (line number, time, instance) on the left. While `isFollowing` it stays at the
 * newest line; scrolling up stops that, scrolling back to the bottom resumes it. Lines put in
 * front (older ones loaded) leave the view where it was. A line with line breaks takes a row
 * per part. Only the rows in view are in the DOM, so tens of thousands of lines stay smooth.
 */
export function LogLines<T extends { text: string; stream: LogStream }>({
  lines,
  keyOf,
  gutter,
  gutterWidth,
  needle,
  label,
  empty,
  isFollowing,
  onFollowingChange,
}: {
  lines: T[];
  keyOf: (line: T) => number;
  gutter: (line: T) => ReactNode;
  /** A CSS width, so the gutter does not jump as lines scroll by. */
  gutterWidth: string;
  /** Lower-cased text to mark in each line; empty marks nothing. */
  needle: string;
  label: string;
  /** What shows when there are no lines. */
  empty: ReactNode;
  isFollowing: boolean;
  onFollowingChange: (isFollowing: boolean) => void;
}) {
  const viewport = useRef<HTMLElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(480);
  const firstKey = useRef<number | null>(null);
  const rows = useMemo(() => toRows(lines), [lines]);

  useEffect(() => {
    const element = viewport.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    const element = viewport.current;
    const [first] = lines;
    const previousFirst = firstKey.current;
    firstKey.current = first ? keyOf(first) : null;
    if (!element || !first) return;
    // New lines while following: stay at the bottom (the scroll this causes keeps following on).
    if (isFollowing) {
      element.scrollTop = element.scrollHeight;
      return;
    }
    // Older lines put in front: keep showing the lines that were in view.
    if (previousFirst !== null && previousFirst !== keyOf(first)) {
      const shift = rows.findIndex((row) => keyOf(row.line) === previousFirst);
      if (shift > 0) element.scrollTop += shift * rowHeight;
    }
  }, [lines, rows, isFollowing, keyOf]);

  function onScroll() {
    const element = viewport.current;
    if (!element) return;
    setScrollTop(element.scrollTop);
    const isAtBottom = element.scrollHeight - element.scrollTop - element.clientHeight < rowHeight * 2;
    if (isAtBottom !== isFollowing) onFollowingChange(isAtBottom);
  }

  // A filter can shrink the list under a scroll position the browser has not clamped yet.
  const top = Math.min(scrollTop, Math.max(0, rows.length * rowHeight - height));
  const first = Math.max(0, Math.floor(top / rowHeight) - overscan);
  const last = Math.min(rows.length, Math.ceil((top + height) / rowHeight) + overscan);

  return (
    <div className="relative">
      <section
        ref={viewport}
        onScroll={onScroll}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the log scrolls; keyboard users must reach it to scroll it.
        tabIndex={0}
        aria-label={label}
        className="max-h-[min(65dvh,40rem)] min-h-40 overflow-auto font-mono text-xs outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
      >
        {lines.length === 0 ? (
          <div className="p-4 text-muted-foreground">{empty}</div>
        ) : (
          <div
            className="w-max min-w-full py-2"
            style={{ height: rows.length * rowHeight + 16, paddingTop: first * rowHeight + 8 }}
          >
            {rows.slice(first, last).map(({ line, text, part }) => (
              <div
                key={`${keyOf(line)}:${part}`}
                data-testid="log-line"
                data-stream={line.stream}
                className={cn("flex pr-4 leading-5", streamClasses[line.stream])}
                style={{ height: rowHeight }}
              >
                <span
                  className="sticky left-0 flex shrink-0 select-none gap-3 bg-card pr-4 pl-3 text-muted-foreground/70 tabular-nums"
                  style={{ width: gutterWidth }}
                >
                  {part === 0 ? gutter(line) : null}
                </span>
                <span className="whitespace-pre">{needle ? <Highlight text={text} needle={needle} /> : text}</span>
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
          onClick={() => onFollowingChange(true)}
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
