import { auditResults } from "@slipway/contracts";
import { ClearFiltersButton, SelectFilter, TextFilter, useClearFilters } from "../../../components/filter-fields";
import { Input } from "../../../components/ui/input";
import { Label } from "../../../components/ui/label";
import { capitalize } from "../../../lib/format";
import type { AuditSearch } from "../../../router";

const resultOptions = auditResults.map((result) => ({ value: result, label: capitalize(result) }));

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
  const { generation, clear } = useClearFilters(() => onChange(null));

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
      <SelectFilter
        label="Result"
        anyLabel="Any result"
        value={search.result}
        options={resultOptions}
        onChange={(result) => onChange({ result })}
      />
      <DateFilter label="From" value={search.from} onChange={(from) => onChange({ from })} />
      <DateFilter label="To" value={search.to} onChange={(to) => onChange({ to })} />
      <ClearFiltersButton isFiltered={Object.values(search).some((value) => value !== undefined)} onClear={clear} />
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
