import "server-only";
import { db } from "@/lib/db/client";
import type { UserPrincipal } from "./context";
import { AppError } from "./errors";
import { readSession, type CookieReader } from "./session";

/**
 * Who is calling. The session token names a user; the user is loaded on every
 * request so that a disabled or deleted account stops working at once, and so
 * does every session that began before the user's `sessionsValidAfter` (sign
 * out everywhere, an MFA reset, SCIM deprovisioning). The session's MFA check
 * counts only while the user has MFA enabled.
 */
export async function authenticateUser(cookies: CookieReader): Promise<UserPrincipal> {
  const session = await readSession(cookies);
  if (!session) throw new AppError("unauthenticated");
  const user = await db.user.findUnique({
    where: { id: session.userId },
    select: { id: true, email: true, name: true, disabledAt: true, sessionsValidAfter: true, mfa: { select: { enabledAt: true } } },
  });
  if (!user) throw new AppError("session_expired");
  if (user.disabledAt) throw new AppError("account_disabled");
  if (user.sessionsValidAfter && (session.issuedAt === null || session.issuedAt * 1000 < user.sessionsValidAfter.getTime())) {
    throw new AppError("session_expired");
  }
  const mfaAt = user.mfa?.enabledAt ? session.mfaAt : null;
  return {
    kind: "user",
    userId: user.id,
    email: user.email,
    name: user.name,
    session: { issuedAt: session.issuedAt, amr: session.amr, sso: session.sso, mfaAt },
  };
}
