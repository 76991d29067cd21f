import type { GitWebhook, Project } from "@slipway/contracts";
import { useState } from "react";
import { CodeBlock } from "../../../components/code-block";
import { CopyButton } from "../../../components/copy-button";
import { SecretValue } from "../../../components/secret-value";
import { ErrorState } from "../../../components/states";
import { Skeleton } from "../../../components/ui/skeleton";
import { useGitWebhook } from "../../../data/projects";
import { cn } from "../../../lib/utils";

const forges = ["GitHub", "GitLab", "Gitea"] as const;
type Forge = (typeof forges)[number];

/** Where each forge keeps its webhook form, and what to put in it. */
const forgeSteps: Record<Forge, string[]> = {
  GitHub: [
    "Open the repository's Settings → Webhooks → Add webhook.",
    "Payload URL: the webhook URL above. Content type: application/json.",
    "Secret: the secret above. Events: Just the push event.",
  ],
  GitLab: [
    "Open the project's Settings → Webhooks → Add new webhook.",
    "URL: the webhook URL above. Secret token: the secret above.",
    "Trigger: Push events (all branches).",
  ],
  Gitea: [
    "Open the repository's Settings → Webhooks → Add webhook → Gitea.",
    "Target URL: the webhook URL above. POST content type: application/json.",
    "Secret: the secret above. Trigger on: Push events.",
  ],
};

/** A shell recipe for the deploy hook: HMAC-SHA256 of "<timestamp>.<body>" with the secret. */
export function deployHookScript(hook: GitWebhook, branch: string): string {
  return [
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template.
    'SECRET="${SLIPWAY_HOOK_SECRET:?set it to the webhook secret}"',
    `BODY='{"branch":"${branch}"}'`,
    "TS=$(date +%s)",
    `SIG=$(printf '%s.%s' "$TS" "$BODY" | openssl dgst -sha256 -hmac "$SECRET" | sed 's/^.* //')`,
    `curl -fsS -X POST '${hook.deployHookUrl}' \\`,
    "  -H 'Content-Type: application/json' \\",
    '  -H "X-Slipway-Timestamp: $TS" \\',
    '  -H "X-Slipway-Signature: sha256=$SIG" \\',
    '  -d "$BODY"',
  ].join("\n");
}

/** The push webhook (URL, secret, per-forge steps) and the signed deploy hook for scripts and CI. */
export function WebhookSetup({ teamId, project }: { teamId: string; project: Project }) {
  const hook = useGitWebhook(teamId, project.id, { enabled: true });
  const [forge, setForge] = useState<Forge>("GitHub");

  if (hook.isError) return <ErrorState error={hook.error} onRetry={() => void hook.refetch()} />;
  if (!hook.data) return <Skeleton className="h-40" />;
  return (
    <div className="grid grid-cols-1 gap-6">
      <section className="grid grid-cols-1 gap-3" aria-labelledby="push-webhook">
        <h3 id="push-webhook" className="font-medium text-sm">
          Push webhook
        </h3>
        <div className="grid gap-px overflow-hidden rounded-lg border bg-border text-sm">
          <Row label="Webhook URL">
            <code className="min-w-0 flex-1 truncate font-mono text-xs" data-testid="webhook-url">
              {hook.data.url}
            </code>
            <CopyButton text={hook.data.url} label="webhook URL" />
          </Row>
          <Row label="Secret">
            <SecretValue value={hook.data.secret} label="webhook secret" className="flex-1" />
          </Row>
        </div>
        <div className="grid gap-2">
          <div role="tablist" aria-label="Forge" className="flex w-fit gap-1 rounded-lg bg-muted p-1">
            {forges.map((name) => (
              <button
                key={name}
                type="button"
                role="tab"
                aria-selected={forge === name}
                onClick={() => setForge(name)}
                className={cn(
                  "cursor-pointer rounded-md px-3 py-1 text-muted-foreground text-xs outline-none transition-colors focus-visible:ring-[3px] focus-visible:ring-ring/50",
                  forge === name && "bg-background font-medium text-foreground shadow-xs",
                )}
              >
                {name}
              </button>
            ))}
          </div>
          <ol
            role="tabpanel"
            aria-label={`${forge} setup`}
            className="grid list-decimal gap-1 pl-5 text-muted-foreground text-sm"
          >
            {forgeSteps[forge].map((step) => (
              <li key={step}>{step}</li>
            ))}
          </ol>
        </div>
      </section>
      <section className="grid grid-cols-1 gap-3" aria-labelledby="deploy-hook">
        <div className="grid gap-1">
          <h3 id="deploy-hook" className="font-medium text-sm">
            Deploy hook
          </h3>
          <p className="text-muted-foreground text-sm">
            Builds a branch when called from a script or CI. Requests are signed:{" "}
            <code className="font-mono text-xs">
              X-Slipway-Signature: sha256=HMAC(secret, "&lt;timestamp&gt;.&lt;body&gt;")
            </code>{" "}
            with the Unix time in <code className="font-mono text-xs">X-Slipway-Timestamp</code>, within five minutes.
          </p>
        </div>
        <CodeBlock code={deployHookScript(hook.data, project.productionBranch)} label="deploy hook script" />
      </section>
    </div>
  );
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="flex min-w-0 flex-col gap-1 bg-card px-3 py-2 sm:flex-row sm:items-center sm:gap-3">
      <span className="w-28 shrink-0 text-muted-foreground text-xs">{label}</span>
      <div className="flex min-w-0 flex-1 items-center gap-1">{children}</div>
    </div>
  );
}
