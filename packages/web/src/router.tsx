import { auditResults, buildStatuses, type Me, runtimeLogQuerySchema } from "@slipway/contracts";
import type { QueryClient } from "@tanstack/react-query";
import { createRootRouteWithContext, createRoute, createRouter, Outlet, redirect } from "@tanstack/react-router";
import { z } from "zod";
import { meQueryOptions } from "./data/me";
import { isApiError } from "./lib/api";
import { homeTeamId } from "./lib/last-team";
import { AccountPage } from "./routes/account/settings/account-page";
import { InstanceAuditPage } from "./routes/admin/audit/instance-audit-page";
import { MailListPage } from "./routes/admin/mail/mail-list-page";
import { MailMessagePage } from "./routes/admin/mail/mail-message-page";
import { AuditPage } from "./routes/audit/list/audit-page";
import { AuthLayout } from "./routes/auth/auth-layout";
import { ForgotPasswordPage } from "./routes/auth/forgot-password/forgot-password-page";
import { ResetPasswordPage } from "./routes/auth/reset-password/reset-password-page";
import { SignInPage } from "./routes/auth/sign-in/sign-in-page";
import { SignUpPage } from "./routes/auth/sign-up/sign-up-page";
import { BuildPage } from "./routes/builds/detail/build-page";
import { BuildsPage } from "./routes/builds/list/builds-page";
import { NotFoundPage, RouteErrorPage, RoutePendingPage } from "./routes/fallbacks/route-fallbacks";
import { FunctionCodePage } from "./routes/functions/code/function-code-page";
import { FunctionLayout } from "./routes/functions/detail/function-layout";
import {
  functionCodeSearchSchema,
  functionListSearchSchema,
  invocationSearchSchema,
  metricsSearchSchema,
} from "./routes/functions/function-search";
import { FunctionInvocationsPage } from "./routes/functions/invocations/function-invocations-page";
import { FunctionsPage } from "./routes/functions/list/functions-page";
import { FunctionMetricsPage } from "./routes/functions/metrics/function-metrics-page";
import { FunctionSettingsPage } from "./routes/functions/settings/function-settings-page";
import { FunctionTestPage } from "./routes/functions/test/function-test-page";
import { FunctionTriggersPage } from "./routes/functions/triggers/function-triggers-page";
import { FunctionVersionsPage } from "./routes/functions/versions/function-versions-page";
import { ProjectBuildsPage } from "./routes/projects/builds/project-builds-page";
import { ProjectDeploymentsPage } from "./routes/projects/deployments/project-deployments-page";
import { ProjectLayout } from "./routes/projects/detail/project-layout";
import { ProjectDomainsPage } from "./routes/projects/domains/project-domains-page";
import { ProjectFunctionsPage } from "./routes/projects/functions/project-functions-page";
import { ProjectsPage } from "./routes/projects/list/projects-page";
import { NewProjectPage } from "./routes/projects/new/new-project-page";
import { ProjectOverviewPage } from "./routes/projects/overview/project-overview-page";
import { ProjectRuntimePage } from "./routes/projects/runtime/project-runtime-page";
import { ProjectSettingsPage } from "./routes/projects/settings/project-settings-page";
import { AppShell } from "./routes/shell/app-shell";
import { TeamOverviewPage } from "./routes/teams/overview/team-overview-page";
import { TeamSettingsPage } from "./routes/teams/settings/team-settings-page";
import { TeamLayout } from "./routes/teams/team-layout";
import { TokensPage } from "./routes/tokens/list/tokens-page";

export type RouterContext = { queryClient: QueryClient };

/** Only same-origin paths; anything else would make sign-in an open redirect. */
const safeRedirect = z
  .string()
  .regex(/^\/(?!\/)/)
  .optional()
  .catch(undefined);

async function loadMeOrNull(queryClient: QueryClient): Promise<Me | null> {
  try {
    return await queryClient.ensureQueryData(meQueryOptions());
  } catch (error) {
    if (isApiError(error, 401)) return null;
    throw error;
  }
}

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  notFoundComponent: NotFoundPage,
  errorComponent: RouteErrorPage,
});

const authRoute = createRoute({ getParentRoute: () => rootRoute, id: "_auth", component: AuthLayout });

/** Signed-in people have no business on sign-in or sign-up; send them on. */
async function skipWhenSignedIn({ context, search }: { context: RouterContext; search: { redirect?: string } }) {
  if (await loadMeOrNull(context.queryClient)) throw redirect({ href: search.redirect ?? "/" });
}

const signInRoute = createRoute({
  getParentRoute: () => authRoute,
  path: "sign-in",
  validateSearch: z.object({ redirect: safeRedirect, reset: z.literal("done").optional().catch(undefined) }),
  beforeLoad: skipWhenSignedIn,
  component: SignInPage,
});

const signUpRoute = createRoute({
  getParentRoute: () => authRoute,
  path: "sign-up",
  validateSearch: z.object({ redirect: safeRedirect }),
  beforeLoad: skipWhenSignedIn,
  component: SignUpPage,
});

const forgotPasswordRoute = createRoute({
  getParentRoute: () => authRoute,
  path: "forgot-password",
  component: ForgotPasswordPage,
});

const resetPasswordRoute = createRoute({
  getParentRoute: () => authRoute,
  path: "reset-password",
  validateSearch: z.object({
    token: z.string().optional().catch(undefined),
    error: z.string().optional().catch(undefined),
  }),
  component: ResetPasswordPage,
});

const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: "_app",
  beforeLoad: async ({ context, location }) => {
    const me = await loadMeOrNull(context.queryClient);
    if (!me) throw redirect({ to: "/sign-in", search: { redirect: location.href } });
    return { me };
  },
  component: AppShell,
});

const homeRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/",
  beforeLoad: ({ context }) => {
    const teamId = homeTeamId(context.me);
    throw teamId ? redirect({ to: "/t/$teamId", params: { teamId } }) : redirect({ to: "/account" });
  },
});

const teamRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "t/$teamId",
  // A team missing from a cached `me` may be one the user was just added to: ask again before saying "not found".
  beforeLoad: async ({ context, params }) => {
    if (context.me.teams.some((team) => team.id === params.teamId)) return;
    await context.queryClient.fetchQuery({ ...meQueryOptions(), staleTime: 0 });
  },
  component: TeamLayout,
});

const teamOverviewRoute = createRoute({ getParentRoute: () => teamRoute, path: "/", component: TeamOverviewPage });

const teamSettingsRoute = createRoute({
  getParentRoute: () => teamRoute,
  path: "settings",
  component: TeamSettingsPage,
});

const tokensRoute = createRoute({ getParentRoute: () => teamRoute, path: "tokens", component: TokensPage });

const dayString = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .optional()
  .catch(undefined);

export const auditSearchSchema = z.object({
  actor: z.string().max(200).optional().catch(undefined),
  action: z.string().max(100).optional().catch(undefined),
  result: z.enum(auditResults).optional().catch(undefined),
  /** Calendar days in the viewer's time zone; the page turns them into UTC instants. */
  from: dayString,
  to: dayString,
});
export type AuditSearch = z.infer<typeof auditSearchSchema>;

const auditRoute = createRoute({
  getParentRoute: () => teamRoute,
  path: "audit",
  validateSearch: auditSearchSchema,
  component: AuditPage,
});

export const buildSearchSchema = z.object({
  projectId: z.string().max(64).optional().catch(undefined),
  status: z.enum(buildStatuses).optional().catch(undefined),
  branch: z.string().max(255).optional().catch(undefined),
});
export type BuildSearch = z.infer<typeof buildSearchSchema>;

const projectsRoute = createRoute({ getParentRoute: () => teamRoute, path: "projects", component: ProjectsPage });

const newProjectRoute = createRoute({
  getParentRoute: () => teamRoute,
  path: "projects/new",
  component: NewProjectPage,
});

const projectRoute = createRoute({
  getParentRoute: () => teamRoute,
  path: "projects/$projectId",
  component: ProjectLayout,
});

const projectOverviewRoute = createRoute({
  getParentRoute: () => projectRoute,
  path: "/",
  component: ProjectOverviewPage,
});

const projectBuildsRoute = createRoute({
  getParentRoute: () => projectRoute,
  path: "builds",
  // The project is in the path; only the other filters are in the search.
  validateSearch: buildSearchSchema.omit({ projectId: true }),
  component: ProjectBuildsPage,
});

const projectDeploymentsRoute = createRoute({
  getParentRoute: () => projectRoute,
  path: "deployments",
  component: ProjectDeploymentsPage,
});

const projectDomainsRoute = createRoute({
  getParentRoute: () => projectRoute,
  path: "domains",
  component: ProjectDomainsPage,
});

/** A server app's instances and runtime log: which deployment (production when absent) and the log filters. */
export const runtimeSearchSchema = z.object({
  deployment: z.string().max(64).optional().catch(undefined),
  instance: runtimeLogQuerySchema.shape.instanceId.catch(undefined),
  stream: runtimeLogQuerySchema.shape.stream.catch(undefined),
  q: runtimeLogQuerySchema.shape.q.catch(undefined),
});
export type RuntimeSearch = z.infer<typeof runtimeSearchSchema>;

const projectRuntimeRoute = createRoute({
  getParentRoute: () => projectRoute,
  path: "runtime",
  validateSearch: runtimeSearchSchema,
  component: ProjectRuntimePage,
});

const projectFunctionsRoute = createRoute({
  getParentRoute: () => projectRoute,
  path: "functions",
  component: ProjectFunctionsPage,
});

const projectSettingsRoute = createRoute({
  getParentRoute: () => projectRoute,
  path: "settings",
  component: ProjectSettingsPage,
});

const buildsRoute = createRoute({
  getParentRoute: () => teamRoute,
  path: "builds",
  validateSearch: buildSearchSchema,
  component: BuildsPage,
});

const buildRoute = createRoute({ getParentRoute: () => teamRoute, path: "builds/$buildId", component: BuildPage });

const functionsRoute = createRoute({
  getParentRoute: () => teamRoute,
  path: "functions",
  validateSearch: functionListSearchSchema,
  component: FunctionsPage,
});

/** A function's page: its header and tabs, each tab a child route. */
const functionRoute = createRoute({
  getParentRoute: () => teamRoute,
  path: "functions/$functionId",
  component: FunctionLayout,
});

const functionTabs = [
  createRoute({
    getParentRoute: () => functionRoute,
    path: "/",
    validateSearch: functionCodeSearchSchema,
    component: FunctionCodePage,
  }),
  createRoute({ getParentRoute: () => functionRoute, path: "test", component: FunctionTestPage }),
  createRoute({
    getParentRoute: () => functionRoute,
    path: "invocations",
    validateSearch: invocationSearchSchema,
    component: FunctionInvocationsPage,
  }),
  createRoute({
    getParentRoute: () => functionRoute,
    path: "metrics",
    validateSearch: metricsSearchSchema,
    component: FunctionMetricsPage,
  }),
  createRoute({ getParentRoute: () => functionRoute, path: "triggers", component: FunctionTriggersPage }),
  createRoute({ getParentRoute: () => functionRoute, path: "versions", component: FunctionVersionsPage }),
  createRoute({ getParentRoute: () => functionRoute, path: "settings", component: FunctionSettingsPage }),
] as const;

const accountRoute = createRoute({ getParentRoute: () => appRoute, path: "account", component: AccountPage });

const adminRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "admin",
  beforeLoad: ({ context }) => {
    if (!context.me.user.isInstanceOwner) throw redirect({ to: "/" });
  },
});

const mailListRoute = createRoute({ getParentRoute: () => adminRoute, path: "mail", component: MailListPage });

const mailMessageRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: "mail/$mailId",
  component: MailMessagePage,
});

const instanceAuditRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: "audit",
  validateSearch: auditSearchSchema,
  component: InstanceAuditPage,
});

const routeTree = rootRoute.addChildren([
  authRoute.addChildren([signInRoute, signUpRoute, forgotPasswordRoute, resetPasswordRoute]),
  appRoute.addChildren([
    homeRoute,
    teamRoute.addChildren([
      teamOverviewRoute,
      teamSettingsRoute,
      tokensRoute,
      auditRoute,
      projectsRoute,
      newProjectRoute,
      projectRoute.addChildren([
        projectOverviewRoute,
        projectBuildsRoute,
        projectDeploymentsRoute,
        projectRuntimeRoute,
        projectDomainsRoute,
        projectFunctionsRoute,
        projectSettingsRoute,
      ]),
      buildsRoute,
      buildRoute,
      functionsRoute,
      functionRoute.addChildren([...functionTabs]),
    ]),
    accountRoute,
    adminRoute.addChildren([mailListRoute, mailMessageRoute, instanceAuditRoute]),
  ]),
]);

export function createAppRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    defaultPreload: "intent",
    defaultPendingComponent: RoutePendingPage,
    defaultPendingMs: 300,
    // Pages read through TanStack Query, which owns caching; the router only guards.
    defaultPreloadStaleTime: 0,
    scrollRestoration: true,
  });
}

declare module "@tanstack/react-router" {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
