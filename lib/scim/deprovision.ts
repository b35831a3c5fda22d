import "server-only";
import { evictApiKey } from "@/lib/api-keys/verify";
import { recordAudit } from "@/lib/audit/record";
import type { Tx } from "@/lib/db/client";
import { resetOriginIndex } from "@/lib/gateway/cors";
import type { Acting } from "./acting";
import type { DeprovisionKeyPolicy } from "./schemas";

/**
 * Deprovisioning a member through SCIM (`active: false`, or DELETE): the
 * membership is SUSPENDED, which the org door refuses from the member's next
 * request on (lib/security/authorize.ts), and the org's key policy applies to
 * the API keys the member created in this org: REVOKE revokes them (evicted
 * from this instance's key cache at once, other instances within its TTL),
 * FLAG marks them `flaggedAt` for an admin to review and leaves them working.
 * Reactivation restores ACTIVE; revoked keys stay revoked, flags are cleared.
 */
export interface MemberRef {
  id: string;
  userId: string;
  email: string;
}

export interface KeyRef {
  id: string;
  projectId: string;
  name: string;
  prefix: string;
  last4: string;
}

export interface SuspendOutcome {
  policy: DeprovisionKeyPolicy;
  keys: KeyRef[];
}

async function keyPolicy(tx: Tx, orgId: string): Promise<DeprovisionKeyPolicy> {
  const settings = await tx.orgSettings.findUnique({ where: { orgId }, select: { deprovisionKeyPolicy: true } });
  return settings?.deprovisionKeyPolicy ?? "REVOKE";
}

/** Suspend the membership and apply the key policy, inside the caller's transaction; call `afterCommit` once it commits. */
export async function suspendMember(tx: Tx, acting: Acting, member: MemberRef, reason: "active_false" | "deleted"): Promise<SuspendOutcome> {
  const now = new Date();
  await tx.membership.update({
    where: { id: member.id },
    // DELETE hides the member from SCIM (scimActive null) but keeps the row, so its audit history stays.
    data: { status: "SUSPENDED", suspendedAt: now, scimActive: reason === "deleted" ? null : false },
  });
  if (reason === "deleted") await tx.scimGroupMember.deleteMany({ where: { membershipId: member.id } });
  const policy = await keyPolicy(tx, acting.orgId);
  const keys = await tx.apiKey.findMany({
    where: { orgId: acting.orgId, createdById: member.userId, revokedAt: null, ...(policy === "FLAG" ? { flaggedAt: null } : {}) },
    select: { id: true, projectId: true, name: true, prefix: true, last4: true },
    orderBy: { createdAt: "asc" },
  });
  if (keys.length > 0) {
    const ids = keys.map((key) => key.id);
    if (policy === "REVOKE") {
      await tx.apiKey.updateMany({ where: { id: { in: ids } }, data: { revokedAt: now } });
      for (const key of keys) {
        await recordAudit(tx, {
          action: "api_key.revoked",
          orgId: acting.orgId,
          projectId: key.projectId,
          actor: acting.actor,
          target: { type: "api_key", id: key.id },
          metadata: { name: key.name, prefix: key.prefix, last4: key.last4, reason: "creator_deprovisioned", creator: member.email },
          request: acting.request,
        });
      }
    } else {
      await tx.apiKey.updateMany({ where: { id: { in: ids } }, data: { flaggedAt: now } });
    }
  }
  await recordAudit(tx, {
    action: "scim.user.deprovisioned",
    orgId: acting.orgId,
    actor: acting.actor,
    target: { type: "user", id: member.userId },
    metadata: {
      email: member.email,
      scimId: member.id,
      reason,
      keyPolicy: policy,
      keys: keys.map((key) => ({ id: key.id, projectId: key.projectId, prefix: key.prefix, last4: key.last4 })),
    },
    request: acting.request,
  });
  return { policy, keys };
}

/** After the suspension committed: revoked keys stop working on this instance now. */
export function afterSuspend(outcome: SuspendOutcome): void {
  if (outcome.policy !== "REVOKE" || outcome.keys.length === 0) return;
  for (const key of outcome.keys) evictApiKey(key.id);
  resetOriginIndex();
}

/** Restore a suspended membership (inside the caller's transaction). Revoked keys stay revoked; flags of live keys are cleared. */
export async function reactivateMember(tx: Tx, acting: Acting, member: MemberRef): Promise<void> {
  await tx.membership.update({ where: { id: member.id }, data: { status: "ACTIVE", suspendedAt: null, scimActive: true } });
  const unflagged = await tx.apiKey.updateMany({
    where: { orgId: acting.orgId, createdById: member.userId, flaggedAt: { not: null }, revokedAt: null },
    data: { flaggedAt: null },
  });
  await recordAudit(tx, {
    action: "scim.user.reactivated",
    orgId: acting.orgId,
    actor: acting.actor,
    target: { type: "user", id: member.userId },
    metadata: { email: member.email, scimId: member.id, keysUnflagged: unflagged.count },
    request: acting.request,
  });
}
