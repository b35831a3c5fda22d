import "server-only";
import type { Tx } from "@/lib/db/client";
import type { RequestMeta } from "@/lib/security/request-meta";
import type { Actor, AuditAction } from "./actions";
import { GENESIS_HASH, PLATFORM_CHAIN, hashEvent, type ChainedFields } from "./chain";

export interface AuditEvent {
  action: AuditAction;
  orgId: string | null;
  projectId?: string | null;
  actor: Actor;
  target?: { type: string; id: string } | null;
  /** Facts about the change (before/after values, fingerprints). Never secrets. */
  metadata?: Record<string, unknown>;
  request?: RequestMeta | null;
}

/**
 * Append an event to its org's hash chain, inside the caller's transaction so
 * the event exists exactly when the change does. A transaction-scoped advisory
 * lock serialises writers of one chain; other chains proceed in parallel.
 */
export async function recordAudit(tx: Tx, event: AuditEvent): Promise<void> {
  const chain = event.orgId ?? PLATFORM_CHAIN;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`audit:${chain}`}, 0))`;
  const last = await tx.auditLog.findFirst({
    where: { chain },
    orderBy: { seq: "desc" },
    select: { seq: true, hash: true, createdAt: true },
  });
  // Never before its predecessor (a clock stepped back, a host whose clock runs
  // behind): created_at does not decrease along a chain, so a date range of the
  // chain is a range of seq (lib/audit/query.ts).
  const now = new Date();
  const createdAt = last && last.createdAt > now ? last.createdAt : now;
  const fields: ChainedFields = {
    chain,
    seq: (last?.seq ?? 0n) + 1n,
    orgId: event.orgId,
    projectId: event.projectId ?? null,
    action: event.action,
    actorType: event.actor.type,
    actorId: event.actor.id,
    actorLabel: event.actor.label,
    targetType: event.target?.type ?? null,
    targetId: event.target?.id ?? null,
    ip: event.request?.ip ?? null,
    userAgent: event.request?.userAgent?.slice(0, 512) ?? null,
    requestId: event.request?.requestId ?? null,
    metadata: JSON.parse(JSON.stringify(event.metadata ?? {})),
    createdAt,
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  await tx.auditLog.create({
    data: { ...fields, actorType: event.actor.type, metadata: fields.metadata as object, hash: hashEvent(fields) },
  });
}
