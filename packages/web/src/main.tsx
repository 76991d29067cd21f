import "./styles.css";
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "@tanstack/react-router";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { Toaster } from "sonner";
import { isApiError } from "./lib/api";
import { configureZodMessages } from "./lib/zod-messages";
import { createAppRouter } from "./router";

configureZodMessages();

/** A session that ends while the dashboard is open (expired, revoked elsewhere) sends the user to sign in. */
function onUnauthenticated(error: unknown) {
  if (!isApiError(error, 401)) return;
  const { pathname, href } = router.state.location;
  if (["/sign-in", "/sign-up", "/forgot-password", "/reset-password"].includes(pathname)) return;
  queryClient.clear();
  void router.navigate({ to: "/sign-in", search: { redirect: href } });
}

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: onUnauthenticated }),
  mutationCache: new MutationCache({ onError: onUnauthenticated }),
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      // 4xx answers will not change by asking again.
      retry: (failureCount, error) =>
        !(isApiError(error) && error.status >= 400 && error.status < 500) && failureCount < 2,
    },
  },
});

const router = createAppRouter(queryClient);

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
      <Toaster theme="system" position="bottom-right" closeButton richColors={false} />
    </QueryClientProvider>
  </StrictMode>,
);
