import type { ReactNode } from "react";
import { Card, CardHeader, CardTitle } from "./ui/card";

/** The card at the bottom of a settings page that holds the actions that can't be undone. */
export function DangerZone({ children }: { children: ReactNode }) {
  return (
    <Card className="border-destructive/30">
      <CardHeader className="pb-2">
        <CardTitle>Danger zone</CardTitle>
      </CardHeader>
      <div className="divide-y">{children}</div>
    </Card>
  );
}

export function DangerRow({
  title,
  description,
  children,
}: {
  title: string;
  description: string;
  children: ReactNode;
}) {
  return (
    <div className="flex flex-col gap-3 px-6 py-4 sm:flex-row sm:items-center sm:justify-between">
      <div className="grid gap-0.5">
        <p className="font-medium text-sm">{title}</p>
        <p className="text-muted-foreground text-sm">{description}</p>
      </div>
      {children}
    </div>
  );
}
