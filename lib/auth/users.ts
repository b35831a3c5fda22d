import "server-only";
import type { Actor } from "@/lib/audit/actions";
import { recordAudit } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/security/errors";

/**
 * Disable or re-enable an account (an operator action). A disabled account's
 * existing sessions stop working on their next request, since the pipeline
 * loads the user every time. Audited on the platform chain and in every org
 * the user belongs to.
 */
export async function setUserDisabled(email: string, disabled: boolean, actor: Actor) {
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { email: email.trim().toLowerCase() }, include: { memberships: { select: { orgId: true } } } });
    if (!user) throw new AppError("not_found", "No account with this email.");
    if (Boolean(user.disabledAt) === disabled) return user;
    const updated = await tx.user.update({ where: { id: user.id }, data: { disabledAt: disabled ? new Date() : null } });
    const action = disabled ? "user.disabled" : "user.enabled";
    for (const orgId of [null, ...user.memberships.map((m) => m.orgId)]) {
      await recordAudit(tx, { action, orgId, actor, target: { type: "user", id: user.id }, metadata: { email: user.email } });
    }
    return updated;
  });
}
