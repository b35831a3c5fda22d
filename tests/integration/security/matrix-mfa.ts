import { db } from "@/lib/db/client";
import { totpAt } from "@/lib/mfa/totp";
import { enrolMfa, type TestUser } from "../../support/fixtures";

/**
 * For the MFA actions in the matrix: a current code of the caller's
 * authenticator, enrolling them first (enabled, or pending when the action
 * confirms an enrolment). No caller (anonymous): any well-formed code.
 */
export async function mfaCodeFor(caller: TestUser | null, state: "enabled" | "pending" = "enabled"): Promise<string> {
  if (!caller) return "000000";
  if (state === "pending") {
    await db.mfaRecoveryCode.deleteMany({ where: { userId: caller.id } });
    await db.userMfa.deleteMany({ where: { userId: caller.id } });
    return totpAt(await enrolMfa(caller.id, { enabled: false }));
  }
  return totpAt(await enrolMfa(caller.id));
}

/** Lets the caller turn MFA off: no org of theirs requires it of owners and admins. */
export async function releaseMfaRequirement(caller: TestUser | null): Promise<void> {
  if (!caller) return;
  const orgIds = (await db.membership.findMany({ where: { userId: caller.id }, select: { orgId: true } })).map((m) => m.orgId);
  await db.orgSettings.updateMany({ where: { orgId: { in: orgIds } }, data: { requireMfaForAdmins: false } });
}
