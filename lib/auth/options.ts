import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { recordAudit } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { requestMeta } from "@/lib/security/request-meta";
import { SESSION_MAX_AGE } from "@/lib/security/session";
import { verifyCredentials } from "./sign-in";

const SIGN_IN_ERRORS = { invalid: "CredentialsSignin", rate_limited: "RateLimited", disabled: "AccountDisabled" } as const;

function toHeaders(raw: Record<string, unknown> | undefined): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw ?? {})) {
    if (typeof value === "string") headers.set(name, value);
    else if (Array.isArray(value)) headers.set(name, value.join(", "));
  }
  return headers;
}

/**
 * next-auth with email + password and JWT sessions. The token carries only the
 * user id: the pipeline loads the user and memberships on every request.
 */
export function authOptions(): NextAuthOptions {
  return {
    secret: env().NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE, updateAge: 60 * 60 },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: [
      CredentialsProvider({
        id: "credentials",
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          const meta = requestMeta(toHeaders(req?.headers as Record<string, unknown>), env().TRUSTED_PROXY_HOPS);
          const outcome = await verifyCredentials(credentials, meta);
          if (!outcome.ok) throw new Error(SIGN_IN_ERRORS[outcome.reason]);
          return outcome.user;
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        // Keep the token minimal: identity and the session contract of
        // lib/security/session.ts, never roles or org claims. A password
        // sign-in starts without mfaAt: the MFA check re-issues the cookie
        // (lib/auth/session-cookie.ts). Later calls return the token as it is,
        // ignoring anything a client sends through `update()`.
        if (user) return { sub: user.id, email: user.email, name: user.name, amr: "pwd", authAt: Math.floor(Date.now() / 1000) };
        return token;
      },
      session({ session, token }) {
        return { ...session, user: { id: token.sub, email: token.email, name: token.name } };
      },
    },
    events: {
      async signOut({ token }) {
        if (!token?.sub) return;
        const user = await db.user.findUnique({ where: { id: token.sub }, select: { id: true, email: true } });
        if (!user) return;
        await db.$transaction((tx) =>
          recordAudit(tx, { action: "auth.sign_out", orgId: null, actor: { type: "USER", id: user.id, label: user.email }, target: { type: "user", id: user.id } }),
        );
      },
    },
  };
}
