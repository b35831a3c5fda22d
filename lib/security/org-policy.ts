import "server-only";
import { recordAudit } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import type { UserContext } from "./context";
import { AppError } from "./errors";
import type { Role } from "./permissions";

/**
 * An org's session policies, applied by authorizeOrg after the membership and
 * before the permission:
 *
 * - enforceSso: the session must come from this org's identity provider (amr
 *   "sso" with sso.orgId = the org). The one exception is break-glass: an
 *   OWNER whose password session passed MFA, audited once per session
 *   (auth.break_glass). Anyone else gets 403 sso_required, pointing to
 *   /sso/{orgSlug}.
 * - requireMfaForAdmins (on by default): an OWNER or ADMIN needs an MFA check
 *   in this session, else 401 mfa_required, pointing to /mfa.
 */
export interface OrgPolicy {
  enforceSso: boolean;
  requireMfaForAdmins: boolean;
}

/** What an org without a settings row gets: the schema's defaults. */
export const DEFAULT_ORG_POLICY: OrgPolicy = { enforceSso: false, requireMfaForAdmins: true };

export function ssoRequiredMessage(orgSlug: string): string {
  return `This organisation requires single sign-on: sign in through its identity provider at /sso/${orgSlug}.`;
}

export async function applyOrgPolicy(user: UserContext, org: { id: string; slug: string }, role: Role, policy: OrgPolicy): Promise<void> {
  const session = user.principal.session;
  if (policy.enforceSso && !(session.amr === "sso" && session.sso?.orgId === org.id)) {
    if (role !== "OWNER" || session.mfaAt === null) throw new AppError("sso_required", ssoRequiredMessage(org.slug));
    await recordBreakGlass(user, org.id);
  }
  if (policy.requireMfaForAdmins && (role === "OWNER" || role === "ADMIN") && session.mfaAt === null) {
    throw new AppError("mfa_required");
  }
}

/** Sessions already audited by this process, so a request costs no query after the first. */
const seen = new Set<string>();
const SEEN_LIMIT = 10_000;

/**
 * Record an OWNER's break-glass entry into an SSO-enforced org, once per
 * session: the session (user and start time) is the event's target, and the
 * write checks for it under the org chain's audit lock, so concurrent first
 * requests record it once.
 */
async function recordBreakGlass(user: UserContext, orgId: string): Promise<void> {
  const sessionKey = `${user.principal.userId}:${user.principal.session.issuedAt ?? "unknown"}`;
  const memo = `${orgId}:${sessionKey}`;
  if (seen.has(memo)) return;
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`audit:${orgId}`}, 0))`;
    const already = await tx.auditLog.findFirst({ where: { chain: orgId, action: "auth.break_glass", targetId: sessionKey }, select: { id: true } });
    if (already) return;
    await recordAudit(tx, {
      action: "auth.break_glass",
      orgId,
      actor: user.actor,
      target: { type: "session", id: sessionKey },
      metadata: { amr: user.principal.session.amr, mfaAt: user.principal.session.mfaAt, sessionStartedAt: user.principal.session.issuedAt },
      request: user.request,
    });
  });
  if (seen.size >= SEEN_LIMIT) seen.clear();
  seen.add(memo);
}
