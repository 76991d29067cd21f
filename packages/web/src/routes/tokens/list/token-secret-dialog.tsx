import type { CreatedToken } from "@slipway/contracts";
import { TriangleAlert } from "lucide-react";
import { CopyButton } from "../../../components/copy-button";
import { Button } from "../../../components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "../../../components/ui/dialog";

/** The one time the secret is on screen. Closing needs an explicit click, not a stray Escape. */
export function TokenSecretDialog({ created, onClose }: { created: CreatedToken | null; onClose: () => void }) {
  return (
    <Dialog
      open={created !== null}
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
    >
      <DialogContent
        onEscapeKeyDown={(event) => event.preventDefault()}
        onInteractOutside={(event) => event.preventDefault()}
      >
        <DialogHeader>
          <DialogTitle>Your new token: {created?.token.name}</DialogTitle>
          <DialogDescription>
            Give it to <code className="font-mono">slipway login</code>, set it as{" "}
            <code className="font-mono">SLIPWAY_TOKEN</code>, or send it as a bearer token.
          </DialogDescription>
        </DialogHeader>
        {created ? (
          <>
            <div className="flex items-center gap-2 rounded-lg border bg-muted/50 p-1 pl-3">
              <code className="min-w-0 flex-1 select-all truncate font-mono text-sm" data-testid="token-secret">
                {created.secret}
              </code>
              <CopyButton text={created.secret} label="token" showText size="sm" variant="outline" />
            </div>
            <p className="flex gap-2 rounded-lg border border-warning/40 bg-warning/10 p-3 text-sm">
              <TriangleAlert className="mt-0.5 size-4 shrink-0 text-warning" />
              Copy it now. For your safety it won't be shown again; if you lose it, revoke it and create a new one.
            </p>
          </>
        ) : null}
        <DialogFooter>
          <Button onClick={onClose}>Done</Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
