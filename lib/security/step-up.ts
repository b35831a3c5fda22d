import type { UserContext } from "./context";
import { AppError } from "./errors";

/** How recent the MFA check behind a sensitive action must be, by default (seconds). */
export const STEP_UP_MAX_AGE = 600;

/**
 * Step-up for sensitive actions (provider keys, master-key rotation, audit
 * export, SSO changes): the session must have passed an MFA check within
 * `maxAgeSeconds`, whatever the org's MFA setting. A session without one, or
 * with an older one, answers 401 mfa_step_up_required; the console sends the
 * user to /mfa, which verifies (or first enrols) and comes back.
 */
export function requireRecentMfa(ctx: Pick<UserContext, "principal">, maxAgeSeconds = STEP_UP_MAX_AGE, now = Date.now()): void {
  const mfaAt = ctx.principal.session.mfaAt;
  if (mfaAt === null || now / 1000 - mfaAt > maxAgeSeconds) throw new AppError("mfa_step_up_required");
}
