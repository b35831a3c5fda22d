import "server-only";
import { db } from "@/lib/db/client";
import type { UserPrincipal } from "./context";
import { AppError } from "./errors";
import { readSession, type CookieReader } from "./session";

/**
 * Who is calling. The session token names a user; the user is loaded on every
 * request so that a disabled or deleted account stops working at once.
 */
export async function authenticateUser(cookies: CookieReader): Promise<UserPrincipal> {
  const session = await readSession(cookies);
  if (!session) throw new AppError("unauthenticated");
  const user = await db.user.findUnique({
    where: { id: session.userId },
    select: { id: true, email: true, name: true, disabledAt: true },
  });
  if (!user) throw new AppError("session_expired");
  if (user.disabledAt) throw new AppError("account_disabled");
  return { kind: "user", userId: user.id, email: user.email, name: user.name };
}
