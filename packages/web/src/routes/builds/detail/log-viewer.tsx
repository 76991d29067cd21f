import type { BuildLogLine } from "@slipway/contracts";
import { Download, Search } from "lucide-react";
import { useMemo, useState } from "react";
import { CopyButton } from "../../../components/copy-button";
import { LogLines } from "../../../components/log-lines";
import { LogStatus } from "../../../components/log-status";
import { Button } from "../../../components/ui/button";
import { Input } from "../../../components/ui/input";
import type { BuildLogPhase } from "../../../data/build-logs";

type NumberedLine = BuildLogLine & { number: number };

const keyOf = (line: NumberedLine) => line.seq;

/**
 * A build log: line numbers, a filter, copy and download. It follows new lines while scrolled
 * to the bottom and stops when the reader scrolls up.
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
  const [isFollowing, setIsFollowing] = useState(true);
  const numbered = useMemo(() => lines.map((line, index) => ({ ...line, number: index + 1 })), [lines]);
  const needle = query.trim().toLowerCase();
  const shown = useMemo(
    () => (needle ? numbered.filter((line) => line.text.toLowerCase().includes(needle)) : numbered),
    [numbered, needle],
  );
  const text = useMemo(() => lines.map((line) => line.text).join("\n"), [lines]);
  const digits = String(shown.at(-1)?.number ?? 1).length;

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
            isActive={isBuildActive}
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
      <LogLines
        lines={shown}
        keyOf={keyOf}
        gutter={(line) => (
          <span className="w-full text-right" aria-hidden>
            {line.number}
          </span>
        )}
        gutterWidth={`${digits + 3}ch`}
        needle={needle}
        label="Build log"
        empty={
          lines.length > 0
            ? "No line matches the filter."
            : phase === "ended"
              ? "This build wrote no log."
              : "Waiting for the log…"
        }
        isFollowing={isFollowing}
        onFollowingChange={setIsFollowing}
      />
    </div>
  );
}
