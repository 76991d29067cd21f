import type { Destination } from "@slipway/contracts";
import { FormField } from "../../../components/form-field";
import { Input } from "../../../components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "../../../components/ui/select";
import { useFunctions } from "../../../data/functions";
import { useCurrentTeam } from "../../teams/team-layout";

/** A destination as the form edits it: the kind, and the fields of both kinds kept while switching. */
export type DestinationDraft = { type: "none" | Destination["type"]; url: string; functionId: string };

export function toDraft(destination: Destination | null): DestinationDraft {
  return {
    type: destination?.type ?? "none",
    url: destination?.type === "webhook" ? destination.url : "",
    functionId: destination?.type === "function" ? destination.functionId : "",
  };
}

export function toDestination(draft: DestinationDraft): Destination | null {
  if (draft.type === "webhook") return { type: "webhook", url: draft.url.trim() };
  if (draft.type === "function") return { type: "function", functionId: draft.functionId };
  return null;
}

/** Where an async result goes: nowhere, a webhook (POSTed the result) or another function of the team. */
export function DestinationField({
  label,
  value,
  onChange,
  error,
  disabled,
  selfId,
}: {
  label: string;
  value: DestinationDraft;
  onChange: (draft: DestinationDraft) => void;
  error: string | undefined;
  disabled: boolean;
  /** The function being edited: it can't be its own destination. */
  selfId: string;
}) {
  const { team } = useCurrentTeam();
  const functions = useFunctions(team.id);
  const others = (functions.data ?? []).filter((fn) => fn.id !== selfId);
  return (
    <FormField label={label} error={error}>
      {({ id, ...aria }) => (
        <div className="grid gap-2">
          <Select
            value={value.type}
            onValueChange={(type) => onChange({ ...value, type: type as DestinationDraft["type"] })}
            disabled={disabled}
          >
            <SelectTrigger id={id} {...aria}>
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              <SelectItem value="none">None</SelectItem>
              <SelectItem value="webhook">Webhook URL</SelectItem>
              <SelectItem value="function">Another function</SelectItem>
            </SelectContent>
          </Select>
          {value.type === "webhook" ? (
            <Input
              aria-label={`${label} webhook URL`}
              placeholder="https://example.com/hooks/result"
              value={value.url}
              onChange={(event) => onChange({ ...value, url: event.target.value })}
              disabled={disabled}
              className="font-mono text-xs"
              spellCheck={false}
            />
          ) : value.type === "function" ? (
            <Select
              value={value.functionId}
              onValueChange={(functionId) => onChange({ ...value, functionId })}
              disabled={disabled}
            >
              <SelectTrigger aria-label={`${label} function`}>
                <SelectValue placeholder={others.length === 0 ? "No other functions" : "Choose a function"} />
              </SelectTrigger>
              <SelectContent>
                {others.map((fn) => (
                  <SelectItem key={fn.id} value={fn.id} description={fn.projectSlug}>
                    {fn.name}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          ) : null}
        </div>
      )}
    </FormField>
  );
}
