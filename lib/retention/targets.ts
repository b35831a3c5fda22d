import "server-only";
import { PLATFORM_CHAIN } from "@/lib/audit/chain";
import { db } from "@/lib/db/client";

/**
 * What a run has to do, found in one query per kind: the projects that hold
 * usage records older than their cutoff, and the audit chains that hold events
 * older than theirs. Each existence check is an index probe on
 * (project_id, created_at) or (chain, created_at), so orgs with nothing to
 * delete cost the run almost nothing.
 *
 * Cutoffs: usage `now - days × 24 h` with days = the project's
 * `retention_days`, else the org's (default 30, at least 1); audit
 * `now - max(90, audit_retention_days) × 24 h` (default 365); the platform
 * chain (events outside any org) keeps the default, 365 days.
 */
export const DEFAULT_USAGE_DAYS = 30;
export const DEFAULT_AUDIT_DAYS = 365;
export const MIN_AUDIT_DAYS = 90;

/** `orgIds` null: every org and the platform chain; a list: those orgs only. */
export type Scope = string[] | null;

export interface UsageTarget {
  projectId: string;
  orgId: string;
  cutoff: Date;
}

export interface AuditTarget {
  chain: string;
  orgId: string | null;
  cutoff: Date;
}

/** A type, not an interface: it is stored as JSON (retention_runs.counts). */
export type OrgCounts = { usage: number; contents: number; audit: number };

export async function usageTargets(now: Date, scope: Scope): Promise<UsageTarget[]> {
  return db.$queryRaw<UsageTarget[]>`
    WITH p AS (
      SELECT pr.id AS "projectId", pr.org_id AS "orgId",
             ${now}::timestamptz - make_interval(secs => GREATEST(1, COALESCE(ps.retention_days, os.retention_days, ${DEFAULT_USAGE_DAYS}::int)) * 86400.0) AS cutoff
      FROM projects pr
      LEFT JOIN project_settings ps ON ps.project_id = pr.id
      LEFT JOIN org_settings os ON os.org_id = pr.org_id
      WHERE ${scope === null} OR pr.org_id = ANY(${scope ?? []}::uuid[])
    )
    SELECT "projectId", "orgId", cutoff FROM p
    WHERE EXISTS (SELECT 1 FROM usage_records u WHERE u.project_id = p."projectId" AND u.created_at < p.cutoff)
    ORDER BY "orgId", "projectId"`;
}

export async function auditTargets(now: Date, scope: Scope): Promise<AuditTarget[]> {
  return db.$queryRaw<AuditTarget[]>`
    WITH c AS (
      SELECT o.id::text AS chain, o.id AS "orgId",
             ${now}::timestamptz - make_interval(secs => GREATEST(${MIN_AUDIT_DAYS}::int, COALESCE(s.audit_retention_days, ${DEFAULT_AUDIT_DAYS}::int)) * 86400.0) AS cutoff
      FROM orgs o LEFT JOIN org_settings s ON s.org_id = o.id
      WHERE ${scope === null} OR o.id = ANY(${scope ?? []}::uuid[])
      UNION ALL
      SELECT ${PLATFORM_CHAIN}::text, NULL::uuid, ${now}::timestamptz - make_interval(secs => ${DEFAULT_AUDIT_DAYS}::int * 86400.0)
      WHERE ${scope === null}
    )
    SELECT chain, "orgId", cutoff FROM c
    WHERE EXISTS (SELECT 1 FROM audit_logs a WHERE a.chain = c.chain AND a.created_at < c.cutoff)
    ORDER BY chain`;
}

/** Dry run: usage records and stored texts past their cutoff, per org. */
export async function countUsage(now: Date, scope: Scope): Promise<Map<string, { usage: number; contents: number }>> {
  const targets = await usageTargets(now, scope);
  const counts = new Map<string, { usage: number; contents: number }>();
  for (const target of targets) {
    const [row] = await db.$queryRaw<{ usage: bigint; contents: bigint }[]>`
      SELECT count(*) AS usage, count(c.usage_id) AS contents
      FROM usage_records u LEFT JOIN usage_contents c ON c.usage_id = u.id
      WHERE u.project_id = ${target.projectId}::uuid AND u.created_at < ${target.cutoff}::timestamptz`;
    const entry = counts.get(target.orgId) ?? { usage: 0, contents: 0 };
    entry.usage += Number(row?.usage ?? 0);
    entry.contents += Number(row?.contents ?? 0);
    counts.set(target.orgId, entry);
  }
  return counts;
}

/** Dry run: audit events past their cutoff per chain, less the newest event of the chain, which is always kept. */
export async function countAudit(now: Date, scope: Scope): Promise<Map<AuditTarget, number>> {
  const counts = new Map<AuditTarget, number>();
  for (const target of await auditTargets(now, scope)) {
    const [row] = await db.$queryRaw<{ old: bigint; newer: boolean }[]>`
      SELECT count(*) AS old,
             EXISTS (SELECT 1 FROM audit_logs WHERE chain = ${target.chain} AND created_at >= ${target.cutoff}::timestamptz) AS newer
      FROM audit_logs WHERE chain = ${target.chain} AND created_at < ${target.cutoff}::timestamptz`;
    const old = Number(row?.old ?? 0);
    counts.set(target, row?.newer ? old : Math.max(0, old - 1));
  }
  return counts;
}
