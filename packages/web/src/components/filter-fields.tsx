import { X } from "lucide-react";
import { useEffect, useId, useRef, useState } from "react";
import { Button } from "./ui/button";
import { Input } from "./ui/input";
import { Label } from "./ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "./ui/select";

/**
 * The controls of a filter bar above a list. Filters live in the URL, so a filtered view can
 * be linked; a text box reports after a pause in typing, not on every key.
 */
export function TextFilter({
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
  /** The value this box last reported; any other is a change from outside (cleared, back button). */
  const reported = useRef(value);
  const id = useId();

  useEffect(() => () => clearTimeout(timer.current), []);

  useEffect(() => {
    if (value === reported.current) return;
    reported.current = value;
    clearTimeout(timer.current);
    setText(value ?? "");
  }, [value]);

  function type(next: string) {
    setText(next);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      reported.current = next.trim() || undefined;
      onChange(reported.current);
    }, 350);
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

const anyValue = "any";

/** A choice among `options` or "any" (undefined). */
export function SelectFilter<T extends string>({
  label,
  anyLabel,
  value,
  options,
  onChange,
}: {
  label: string;
  anyLabel: string;
  value: T | undefined;
  options: readonly { value: T; label: string }[];
  onChange: (value: T | undefined) => void;
}) {
  const id = useId();
  return (
    <div className="grid gap-1.5">
      <Label htmlFor={id} className="text-muted-foreground text-xs">
        {label}
      </Label>
      <Select value={value ?? anyValue} onValueChange={(next) => onChange(next === anyValue ? undefined : (next as T))}>
        <SelectTrigger id={id}>
          <SelectValue />
        </SelectTrigger>
        <SelectContent>
          <SelectItem value={anyValue}>{anyLabel}</SelectItem>
          {options.map((option) => (
            <SelectItem key={option.value} value={option.value}>
              {option.label}
            </SelectItem>
          ))}
        </SelectContent>
      </Select>
    </div>
  );
}

/**
 * Clears every filter. Text filters keep their own state while typing: render them with
 * `key={generation}` so clearing starts them afresh too.
 */
export function useClearFilters(onClear: () => void) {
  const [generation, setGeneration] = useState(0);
  return {
    generation,
    clear: () => {
      setGeneration((n) => n + 1);
      onClear();
    },
  };
}

export function ClearFiltersButton({ isFiltered, onClear }: { isFiltered: boolean; onClear: () => void }) {
  return (
    <Button variant="ghost" size="sm" className="h-9 justify-self-start" disabled={!isFiltered} onClick={onClear}>
      <X />
      Clear
    </Button>
  );
}
