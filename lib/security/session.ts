import "server-only";
import { decode } from "next-auth/jwt";
import { env } from "@/lib/env";

export const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"] as const;

export interface CookieReader {
  get(name: string): { value: string } | undefined;
  getAll(): { name: string; value: string }[];
}

/** The raw session token, joining next-auth's chunked cookies (`name.0`, `name.1`, …). */
function sessionToken(cookies: CookieReader): string | null {
  for (const name of SESSION_COOKIES) {
    const whole = cookies.get(name)?.value;
    if (whole) return whole;
    const chunks = cookies
      .getAll()
      .filter((c) => c.name.startsWith(`${name}.`))
      .sort((a, b) => Number(a.name.slice(name.length + 1)) - Number(b.name.slice(name.length + 1)));
    if (chunks.length) return chunks.map((c) => c.value).join("");
  }
  return null;
}

/** How long a session lasts (seconds): next-auth's maxAge and every cookie minted by lib/auth/session-cookie.ts. */
export const SESSION_MAX_AGE = 12 * 60 * 60;

/** How the session was established: a password, or an org's identity provider. */
export type AuthMethod = "pwd" | "sso";

/** The org and connection an SSO session came through. */
export interface SsoClaim {
  orgId: string;
  connectionId: string;
}

/**
 * The session contract, as the JWT carries it (epoch seconds throughout):
 * `sub` the user id; `authAt` when the session began (next-auth re-stamps
 * `iat` whenever it refreshes the cookie, so `iat` alone would let a refreshed
 * cookie outlive User.sessionsValidAfter); `amr` "pwd" | "sso"; `sso`
 * { orgId, connectionId } when amr is "sso"; `mfaAt` the last successful MFA
 * check in this session, absent if none.
 */
export interface SessionClaims {
  userId: string;
  /** When the session began: `authAt`, or `iat` for a token that predates it. */
  issuedAt: number | null;
  amr: AuthMethod;
  sso: SsoClaim | null;
  mfaAt: number | null;
}

const epoch = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : null);

function ssoClaim(value: unknown): SsoClaim | null {
  if (!value || typeof value !== "object") return null;
  const { orgId, connectionId } = value as Record<string, unknown>;
  return typeof orgId === "string" && typeof connectionId === "string" ? { orgId, connectionId } : null;
}

/** The contract's claims out of a decoded token; an SSO claim without its org counts as no SSO. */
export function claimsOf(token: Record<string, unknown>): SessionClaims | null {
  if (typeof token.sub !== "string") return null;
  const sso = token.amr === "sso" ? ssoClaim(token.sso) : null;
  return {
    userId: token.sub,
    issuedAt: epoch(token.authAt) ?? epoch(token.iat),
    amr: sso ? "sso" : "pwd",
    sso,
    mfaAt: epoch(token.mfaAt),
  };
}

/**
 * Decode and verify the session JWT. Only the subject and the contract's
 * claims are trusted: roles and memberships are always loaded fresh by the
 * pipeline.
 */
export async function readSession(cookies: CookieReader): Promise<SessionClaims | null> {
  const token = sessionToken(cookies);
  if (!token) return null;
  try {
    const claims = await decode({ token, secret: env().NEXTAUTH_SECRET });
    return claims ? claimsOf(claims) : null;
  } catch {
    return null;
  }
}
