import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { APIError } from "better-auth/api";
import { hashPassword, verifyPassword } from "better-auth/crypto";
import type { Db } from "../../platform/db.ts";
import type { Logger } from "../../platform/logger.ts";
import type { Mailer } from "../../platform/mailer.ts";
import type { Secrets } from "../../platform/secrets.ts";
import { accounts, sessions, users, verifications } from "./auth.tables.ts";
import { judgePassword } from "./password-policy.ts";

/** The header we set from the socket address; better-auth reads the client IP from it and nothing else. */
export const clientIpHeader = "x-slipway-client-ip";

export type Auth = ReturnType<typeof createAuth>;

/**
 * better-auth owns accounts, passwords and sessions. Teams, roles and tokens are ours:
 * `onUserCreated` gives every new account its personal team.
 */
export function createAuth(deps: {
  db: Db;
  secrets: Secrets;
  mailer: Mailer;
  logger: Logger;
  publicUrl: string;
  onUserCreated: (user: { id: string; name: string; email: string }) => Promise<void>;
}) {
  return betterAuth({
    appName: "Slipway",
    baseURL: deps.publicUrl,
    basePath: "/api/auth",
    secret: deps.secrets.deriveKey("sessions").toString("base64"),
    database: drizzleAdapter(deps.db, {
      provider: "pg",
      schema: { user: users, session: sessions, account: accounts, verification: verifications },
    }),
    emailAndPassword: {
      enabled: true,
      minPasswordLength: 10,
      maxPasswordLength: 128,
      revokeSessionsOnPasswordReset: true,
      resetPasswordTokenExpiresIn: 60 * 60,
      password: {
        // Every path that sets a password (sign-up, reset, change) goes through here.
        hash: async (password) => {
          const verdict = judgePassword(password);
          if (!verdict.isAcceptable) {
            throw new APIError("BAD_REQUEST", {
              message: verdict.warning ?? "password is too weak",
              code: "WEAK_PASSWORD",
            });
          }
          return hashPassword(password);
        },
        verify: verifyPassword,
      },
      sendResetPassword: async ({ user, url }) => {
        await deps.mailer.send({
          to: user.email,
          subject: "Reset your Slipway password",
          text: `Someone asked to reset the password of your Slipway account (${user.email}).\n\nOpen this link within an hour to choose a new one:\n${url}\n\nIf it was not you, ignore this message; your password stays as it is.`,
        });
      },
    },
    session: { expiresIn: 60 * 60 * 24 * 30, updateAge: 60 * 60 * 24 },
    verification: { storeIdentifier: "hashed" },
    // Sign-in attempts are limited per IP and per account in auth.routes.ts.
    rateLimit: { enabled: false },
    trustedOrigins: [deps.publicUrl],
    advanced: {
      cookiePrefix: "slipway",
      ipAddress: { ipAddressHeaders: [clientIpHeader] },
    },
    databaseHooks: {
      user: {
        create: {
          before: async (user) => ({ data: { ...user, email: user.email.toLowerCase() } }),
          after: async (user) => {
            await deps.onUserCreated({ id: user.id, name: user.name, email: user.email });
          },
        },
      },
    },
    logger: {
      log: (level, message) => {
        if (level === "error") deps.logger.error({ component: "auth" }, message);
        else if (level === "warn") deps.logger.warn({ component: "auth" }, message);
      },
    },
  });
}
