import { randomUUID } from "node:crypto";
import type { AuditAction } from "@/lib/audit/actions";
import { GENESIS_HASH, hashEvent, type ChainedFields } from "@/lib/audit/chain";
import { db } from "@/lib/db/client";

/** What a seeded event may set; everything else gets a plain default. */
export interface SeedEvent {
  action?: AuditAction;
  actorType?: "USER" | "API_KEY" | "SYSTEM" | "ANONYMOUS";
  actorId?: string | null;
  actorLabel?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  projectId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
  metadata?: Record<string, unknown>;
  createdAt?: Date;
}

const CHUNK = 1000;

/**
 * Append `count` events to an org's chain in bulk (a thousand rows per insert),
 * each hashed and linked exactly as recordAudit does, so the chain verifies.
 * Each chunk holds the chain's advisory lock, so recordAudit may run alongside.
 */
export async function seedAuditEvents(orgId: string, count: number, make: (i: number) => SeedEvent = () => ({})): Promise<void> {
  for (let start = 0; start < count; start += CHUNK) {
    await db.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`audit:${orgId}`}, 0))`;
        const last = await tx.auditLog.findFirst({ where: { chain: orgId }, orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
        let seq = last?.seq ?? 0n;
        let prevHash = last?.hash ?? GENESIS_HASH;
        const rows = [];
        for (let i = start; i < Math.min(count, start + CHUNK); i++) {
          const e = make(i);
          seq += 1n;
          const fields: ChainedFields = {
            chain: orgId,
            seq,
            orgId,
            projectId: e.projectId ?? null,
            action: e.action ?? "project.created",
            actorType: e.actorType ?? "SYSTEM",
            actorId: e.actorId ?? null,
            actorLabel: e.actorLabel === undefined ? "seed" : e.actorLabel,
            targetType: e.targetType ?? null,
            targetId: e.targetId ?? null,
            ip: e.ip ?? null,
            userAgent: e.userAgent ?? null,
            requestId: e.requestId ?? null,
            metadata: JSON.parse(JSON.stringify(e.metadata ?? {})),
            createdAt: e.createdAt ?? new Date(),
            prevHash,
          };
          const hash = hashEvent(fields);
          rows.push({ ...fields, id: randomUUID(), actorType: fields.actorType as "SYSTEM", metadata: fields.metadata as object, hash });
          prevHash = hash;
        }
        await tx.auditLog.createMany({ data: rows });
      },
      { timeout: 60_000 },
    );
  }
}
