import "server-only";
import { cookies } from "next/headers";
import { encode } from "next-auth/jwt";
import { env } from "@/lib/env";
import { SESSION_COOKIES, SESSION_MAX_AGE, type AuthMethod, type CookieReader, type SsoClaim } from "@/lib/security/session";

/**
 * Minting next-auth session cookies outside next-auth's own routes: SSO
 * sign-ins that end in a route handler (SAML) and the MFA check, which
 * re-issues the session with `mfaAt`. Same encoder, secret, lifetime, cookie
 * name and options as next-auth, so next-auth and the pipeline read these
 * cookies exactly like their own.
 */
export interface SessionGrant {
  userId: string;
  email: string;
  name: string | null;
  amr: AuthMethod;
  /** Required when amr is "sso": the org and connection the user came through. */
  sso?: SsoClaim;
  /** Epoch seconds of the MFA check this session has passed, if any. */
  mfaAt?: number;
  /** Epoch seconds the session began; now unless re-issuing an existing session. */
  authAt?: number;
}

export interface CookieOptions {
  httpOnly: true;
  sameSite: "lax";
  path: "/";
  secure: boolean;
  maxAge: number;
}

export interface IssuedCookie {
  name: string;
  value: string;
  options: CookieOptions;
}

/** Anything that sets cookies: `await cookies()` in an action, `response.cookies` in a route handler. */
export interface CookieWriter {
  set(name: string, value: string, options: CookieOptions): unknown;
  delete(name: string): unknown;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** next-auth's choice: `__Secure-` cookies when the app's URL is https (NEXTAUTH_URL, or Vercel). */
function secureByDefault(): boolean {
  return (env().NEXTAUTH_URL ?? "").startsWith("https://") || Boolean(process.env.VERCEL);
}

/** The JWT next-auth would put in the cookie for this grant. */
export async function mintSessionToken(grant: SessionGrant): Promise<string> {
  if (grant.amr === "sso" && !grant.sso) throw new Error("an SSO session needs its org and connection");
  const token: Record<string, unknown> = {
    sub: grant.userId,
    email: grant.email,
    name: grant.name,
    amr: grant.amr,
    authAt: grant.authAt ?? nowSeconds(),
  };
  if (grant.amr === "sso") token.sso = { orgId: grant.sso!.orgId, connectionId: grant.sso!.connectionId };
  if (grant.mfaAt !== undefined) token.mfaAt = grant.mfaAt;
  return encode({ token, secret: env().NEXTAUTH_SECRET, maxAge: SESSION_MAX_AGE });
}

/**
 * Mint a session and set it as the next-auth session cookie. Without a
 * writer, sets it on the current request's cookie store (server actions,
 * route handlers). Any chunked leftovers of an older, larger session cookie
 * are removed so they cannot be read in its place.
 */
export async function issueSessionCookie(grant: SessionGrant, writer?: CookieWriter, existing?: CookieReader): Promise<IssuedCookie> {
  const store = writer && existing ? null : await cookies();
  const target = writer ?? store!;
  const reader = existing ?? store!;
  const present = SESSION_COOKIES.find((name) => reader.get(name) || reader.getAll().some((c) => c.name.startsWith(`${name}.`)));
  // Keep the name the browser already holds (next-auth chose it for this origin), else next-auth's default.
  const secure = present ? present.startsWith("__Secure-") : secureByDefault();
  const name = secure ? SESSION_COOKIES[0] : SESSION_COOKIES[1];
  for (const cookie of reader.getAll()) {
    if (SESSION_COOKIES.some((n) => cookie.name.startsWith(`${n}.`))) target.delete(cookie.name);
  }
  const options: CookieOptions = { httpOnly: true, sameSite: "lax", path: "/", secure, maxAge: SESSION_MAX_AGE };
  const value = await mintSessionToken(grant);
  target.set(name, value, options);
  return { name, value, options };
}

/**
 * After a successful MFA check: the same session (user, method, SSO org, start
 * time) re-issued with `mfaAt` = now.
 */
export async function markSessionMfaVerified(principal: { userId: string; email: string; name: string | null; session: { issuedAt: number | null; amr: AuthMethod; sso: SsoClaim | null } }): Promise<number> {
  const mfaAt = nowSeconds();
  await issueSessionCookie({
    userId: principal.userId,
    email: principal.email,
    name: principal.name,
    amr: principal.session.amr,
    ...(principal.session.sso ? { sso: principal.session.sso } : {}),
    mfaAt,
    ...(principal.session.issuedAt !== null ? { authAt: principal.session.issuedAt } : {}),
  });
  return mfaAt;
}
