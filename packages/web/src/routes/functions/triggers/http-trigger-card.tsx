import type { ServerlessFunction } from "@slipway/contracts";
import { Globe, Lock } from "lucide-react";
import { toast } from "sonner";
import { CodeBlock } from "../../../components/code-block";
import { CopyButton } from "../../../components/copy-button";
import { ExternalLink } from "../../../components/external-link";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../../../components/ui/card";
import { Switch } from "../../../components/ui/switch";
import { useUpdateFunction } from "../../../data/functions";
import { useCurrentTeam } from "../../teams/team-layout";

/** The function's URL, who may call it, and how to call it (sync or async). */
export function HttpTriggerCard({ fn }: { fn: ServerlessFunction }) {
  const { team, can } = useCurrentTeam();
  const update = useUpdateFunction(team.id, fn.id);
  const isPrivate = fn.settings.isPrivate;
  const auth = isPrivate ? ' \\\n  -H "Authorization: Bearer $SLIPWAY_TOKEN"' : "";

  function setPrivate(next: boolean) {
    update.mutate(
      { settings: { isPrivate: next } },
      {
        onSuccess: () => toast.success(next ? `${fn.name} is private now` : `${fn.name} is public now`),
        onError: (error) => toast.error(`Couldn't change who may call ${fn.name}: ${error.message}`),
      },
    );
  }

  return (
    <Card>
      <CardHeader className="flex-row items-start justify-between gap-4">
        <div className="grid gap-1.5">
          <CardTitle>HTTP</CardTitle>
          <CardDescription>Any method and path at this address runs the production version.</CardDescription>
        </div>
      </CardHeader>
      <CardContent className="grid gap-4">
        <div className="flex min-w-0 items-center gap-2 rounded-lg border bg-muted/30 px-3 py-2">
          {isPrivate ? (
            <Lock className="size-4 shrink-0 text-muted-foreground" />
          ) : (
            <Globe className="size-4 shrink-0 text-muted-foreground" />
          )}
          <ExternalLink href={fn.url} className="min-w-0 flex-1 truncate font-mono text-sm" data-testid="http-url" />
          <CopyButton text={fn.url} label="function URL" />
        </div>
        <div className="flex items-start justify-between gap-4 rounded-lg border p-3">
          <div className="grid gap-0.5">
            <label htmlFor="function-private" className="font-medium text-sm">
              Private
            </label>
            <p className="text-muted-foreground text-sm">
              {isPrivate
                ? "Callers need an API token of this team with the functions:invoke permission."
                : "Anyone with the URL can call it. Turn on to require an API token with functions:invoke."}
            </p>
          </div>
          <Switch
            id="function-private"
            checked={isPrivate}
            disabled={!can("functions:manage") || update.isPending}
            onCheckedChange={setPrivate}
          />
        </div>
        <div className="grid gap-2">
          <p className="font-medium text-sm">Call it</p>
          <CodeBlock label="command" code={`curl ${fn.url}${auth}`} />
          <CodeBlock
            label="command"
            code={`# Queued: answers 202 with an invocation id; retried on failure\ncurl -X POST ${fn.url}${auth} \\\n  -H "X-Slipway-Invocation: async" -d '{"hello":"world"}'`}
          />
        </div>
      </CardContent>
    </Card>
  );
}
