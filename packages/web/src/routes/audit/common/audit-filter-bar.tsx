import { auditResults } from "@slipway/contracts";
import { X } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { Button } from "../../../components/ui/button";
import { Input } from "../../../components/ui/input";
import { Label } from "../../../components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "../../../components/ui/select";
import { capitalize } from "../../../lib/format";
import type { AuditSearch } from "../../../router";

const anyResult = "any";

export function AuditFilterBar({
  search,
  actionExample,
  onChange,
}: {
  search: AuditSearch;
  actionExample: string;
  /**
   * Merges `patch` into the search as it is when applied: a text box reports after a pause,
   * and must not undo a filter picked meanwhile. `null` clears every filter.
   */
  onChange: (patch: Partial<AuditSearch> | null) => void;
}) {
  // The text boxes keep their own state while typing; Clear starts them afresh.
  const [generation, setGeneration] = useState(0);

  return (
    <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[1fr_1fr_9rem_9.5rem_9.5rem_auto] lg:items-end">
      <TextFilter
        key={`actor-${generation}`}
        label="Actor"
        placeholder="Email or id"
        value={search.actor}
        onChange={(actor) => onChange({ actor })}
      />
      <TextFilter
        key={`action-${generation}`}
        label="Action"
        placeholder={`e.g. ${actionExample}`}
        value={search.action}
        onChange={(action) => onChange({ action })}
      />
      <div className="grid gap-1.5">
        <Label htmlFor="audit-result" className="text-muted-foreground text-xs">
          Result
        </Label>
        <Select
          value={search.result ?? anyResult}
          onValueChange={(value) =>
            onChange({ result: value === anyResult ? undefined : (value as AuditSearch["result"]) })
          }
        >
          <SelectTrigger id="audit-result">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            <SelectItem value={anyResult}>Any result</SelectItem>
            {auditResults.map((result) => (
              <SelectItem key={result} value={result}>
                {capitalize(result)}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
      </div>
      <DateFilter label="From" value={search.from} onChange={(from) => onChange({ from })} />
      <DateFilter label="To" value={search.to} onChange={(to) => onChange({ to })} />
      <Button
        variant="ghost"
        size="sm"
        className="h-9 justify-self-start"
        disabled={Object.values(search).every((value) => value === undefined)}
        onClick={() => {
          setGeneration((n) => n + 1);
          onChange(null);
        }}
      >
        <X />
        Clear
      </Button>
    </div>
  );
}

/** Typing updates the URL after a pause, not on every key. */
function TextFilter({
  label,
  placeholder,
  value,
  onChange,
}: {
  label: string;
  placeholder: string;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
}) {
  const [text, setText] = useState(value ?? "");
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const id = `audit-${label.toLowerCase()}`;

  useEffect(() => () => clearTimeout(timer.current), []);

  function type(next: string) {
    setText(next);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => onChange(next.trim() || undefined), 350);
  }

  return (
    <div className="grid gap-1.5">
      <Label htmlFor={id} className="text-muted-foreground text-xs">
        {label}
      </Label>
      <Input id={id} placeholder={placeholder} value={text} onChange={(event) => type(event.target.value)} />
    </div>
  );
}

function DateFilter({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
}) {
  const id = `audit-${label.toLowerCase()}`;
  return (
    <div className="grid gap-1.5">
      <Label htmlFor={id} className="text-muted-foreground text-xs">
        {label}
      </Label>
      <Input id={id} type="date" value={value ?? ""} onChange={(event) => onChange(event.target.value || undefined)} />
    </div>
  );
}
