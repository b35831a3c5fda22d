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

export interface SessionClaims {
  userId: string;
  issuedAt: number | null;
}

/**
 * Decode and verify the session JWT. Only the subject is trusted: roles and
 * memberships are always loaded fresh by the pipeline.
 */
export async function readSession(cookies: CookieReader): Promise<SessionClaims | null> {
  const token = sessionToken(cookies);
  if (!token) return null;
  try {
    const claims = await decode({ token, secret: env().NEXTAUTH_SECRET });
    if (!claims || typeof claims.sub !== "string") return null;
    return { userId: claims.sub, issuedAt: typeof claims.iat === "number" ? claims.iat : null };
  } catch {
    return null;
  }
}
