import { Link, useRouter } from "@tanstack/react-router";
import { Compass } from "lucide-react";
import { EmptyState, ErrorState } from "../../components/states";
import { Button } from "../../components/ui/button";
import { Logo } from "../../components/wordmark";

export function NotFoundPage() {
  return (
    <div className="flex min-h-[60dvh] items-center justify-center p-6">
      <EmptyState
        icon={Compass}
        title="Page not found"
        description="The address may be mistyped, or the page moved."
        action={
          <Button asChild variant="outline" size="sm">
            <Link to="/">Go to the dashboard</Link>
          </Button>
        }
      />
    </div>
  );
}

/** Shown when a route's guard fails for a reason other than being signed out (server down, 500). */
export function RouteErrorPage({ error }: { error: unknown }) {
  const router = useRouter();
  return (
    <div className="mx-auto flex min-h-[60dvh] max-w-lg items-center p-6">
      <ErrorState className="w-full" error={error} onRetry={() => void router.invalidate()} />
    </div>
  );
}

/** While a route's guard waits on the server (first load, slow network). */
export function RoutePendingPage() {
  return (
    <div role="status" className="flex min-h-dvh items-center justify-center">
      <Logo className="size-8 animate-pulse" />
      <span className="sr-only">Loading</span>
    </div>
  );
}
