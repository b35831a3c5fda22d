import "server-only";
import { db, Prisma } from "@/lib/db/client";
import type { OrgId } from "@/lib/security/context";
import type { AuditFilters } from "./schemas";

/**
 * Reading an org's audit chain (`chain` = the org id). Every query is shaped
 * for an index of `audit_logs`:
 *
 * - pages walk `seq` downwards from a keyset cursor, `ORDER BY seq LIMIT n`,
 *   on (chain, seq), or on (chain, action, seq) / (chain, actor_id, seq) /
 *   (chain, target_id, seq) when that filter is set, and a date range on
 *   (chain, created_at); a page deep in the log costs what the first one does,
 *   and events written meanwhile never shift it;
 * - several actions are one ordered, limited branch per action, merged (a
 *   plain `action IN (…)` would sort every matching row of the org);
 * - nothing is counted for pagination.
 */

/**
 * Filters ready for SQL: the actor's email replaced by the user's id, and a
 * date range also as the range of seq it covers. created_at never decreases
 * along a chain (recordAudit), so the events of a date range are those of a
 * seq range, found at its two ends on (chain, created_at): the scan in seq
 * order then starts at the range instead of walking down to it.
 */
export type ResolvedFilters = Omit<AuditFilters, "actorEmail"> & { seqFrom?: bigint; seqTo?: bigint };

/** A window of seq: `before` for pages (descending), `after` and `through` for the export (ascending). */
export interface SeqWindow {
  before?: bigint;
  after?: bigint;
  through?: bigint;
}

/** The first seq at or after `from` and the last before `to` (the SQL, for EXPLAIN in tests). */
export function dateWindowSql(orgId: OrgId, range: Pick<AuditFilters, "from" | "to">): Prisma.Sql {
  const lo = range.from
    ? Prisma.sql`(SELECT seq FROM audit_logs WHERE chain = ${orgId} AND created_at >= ${range.from.toISOString()}::timestamptz ORDER BY created_at, seq LIMIT 1)`
    : Prisma.sql`NULL::bigint`;
  const hi = range.to
    ? Prisma.sql`(SELECT seq FROM audit_logs WHERE chain = ${orgId} AND created_at < ${range.to.toISOString()}::timestamptz ORDER BY created_at DESC, seq DESC LIMIT 1)`
    : Prisma.sql`NULL::bigint`;
  return Prisma.sql`SELECT ${lo} AS lo, ${hi} AS hi`;
}

/** Resolve the filters of a query on `orgId`'s chain; null when nothing can match (an unknown email, an empty date range). */
export async function resolveFilters(orgId: OrgId, filters: AuditFilters): Promise<ResolvedFilters | null> {
  const { actorEmail, ...rest } = filters;
  const resolved: ResolvedFilters = { ...rest };
  if (actorEmail) {
    const user = await db.user.findUnique({ where: { email: actorEmail }, select: { id: true } });
    if (!user || (rest.actorId && rest.actorId !== user.id)) return null;
    resolved.actorId = user.id;
  }
  if (rest.from || rest.to) {
    const [window] = await db.$queryRaw<{ lo: bigint | null; hi: bigint | null }[]>(dateWindowSql(orgId, rest));
    if ((rest.from && window?.lo == null) || (rest.to && window?.hi == null)) return null;
    if (rest.from) resolved.seqFrom = window!.lo!;
    if (rest.to) resolved.seqTo = window!.hi!;
    if (resolved.seqFrom !== undefined && resolved.seqTo !== undefined && resolved.seqFrom > resolved.seqTo) return null;
  }
  return resolved;
}

function conditions(orgId: OrgId, filters: ResolvedFilters, window: SeqWindow, action: string | readonly string[] | undefined): Prisma.Sql {
  const parts = [Prisma.sql`chain = ${orgId}`];
  if (typeof action === "string") parts.push(Prisma.sql`action = ${action}`);
  else if (action?.length) parts.push(Prisma.sql`action IN (${Prisma.join(action)})`);
  if (filters.actorId) parts.push(Prisma.sql`actor_id = ${filters.actorId}`);
  if (filters.targetId) parts.push(Prisma.sql`target_id = ${filters.targetId}`);
  if (filters.targetType) parts.push(Prisma.sql`target_type = ${filters.targetType}`);
  // A date bound already resolved to a seq bound is not repeated: created_at does not decrease along
  // a chain, and two overlapping ranges make the planner misjudge how many rows it will read.
  if (filters.from && filters.seqFrom === undefined) parts.push(Prisma.sql`created_at >= ${filters.from.toISOString()}::timestamptz`);
  if (filters.to && filters.seqTo === undefined) parts.push(Prisma.sql`created_at < ${filters.to.toISOString()}::timestamptz`);
  if (filters.seqFrom !== undefined) parts.push(Prisma.sql`seq >= ${filters.seqFrom.toString()}::bigint`);
  if (filters.seqTo !== undefined) parts.push(Prisma.sql`seq <= ${filters.seqTo.toString()}::bigint`);
  if (window.before !== undefined) parts.push(Prisma.sql`seq < ${window.before.toString()}::bigint`);
  if (window.after !== undefined) parts.push(Prisma.sql`seq > ${window.after.toString()}::bigint`);
  if (window.through !== undefined) parts.push(Prisma.sql`seq <= ${window.through.toString()}::bigint`);
  return Prisma.join(parts, " AND ");
}

/**
 * `SELECT sort_seq, <columns>` of the events matching `filters` inside
 * `window`, in seq order, at most `limit`. `columns` name audit_logs' columns.
 */
export function orderedEventsSql(
  orgId: OrgId,
  filters: ResolvedFilters,
  window: SeqWindow,
  order: "asc" | "desc",
  limit: number,
  columns: Prisma.Sql,
): Prisma.Sql {
  const direction = Prisma.raw(order === "desc" ? "DESC" : "ASC");
  const branch = (action: string | undefined) =>
    Prisma.sql`SELECT audit_logs.seq AS sort_seq, ${columns} FROM audit_logs WHERE ${conditions(orgId, filters, window, action)} ORDER BY audit_logs.seq ${direction} LIMIT ${limit}`;
  const actions = filters.action ?? [];
  if (actions.length <= 1) return branch(actions[0]);
  const branches = Prisma.join(
    actions.map((action) => Prisma.sql`(${branch(action)})`),
    " UNION ALL ",
  );
  return Prisma.sql`SELECT * FROM (${branches}) AS events ORDER BY sort_seq ${direction} LIMIT ${limit}`;
}

export interface AuditEventRow {
  id: string;
  seq: string;
  createdAt: Date;
  action: string;
  actorType: "USER" | "API_KEY" | "SYSTEM" | "ANONYMOUS";
  actorId: string | null;
  actorLabel: string | null;
  targetType: string | null;
  targetId: string | null;
  projectId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  metadata: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

const PAGE_COLUMNS = Prisma.sql`id::text AS id, seq::text AS seq, created_at AS "createdAt", action, actor_type::text AS "actorType",
  actor_id AS "actorId", actor_label AS "actorLabel", target_type AS "targetType", target_id AS "targetId",
  project_id::text AS "projectId", ip, user_agent AS "userAgent", request_id AS "requestId", metadata,
  prev_hash AS "prevHash", hash`;

/** One page of a viewer query, newest first: the SQL it runs (tests EXPLAIN it). */
export function auditPageSql(orgId: OrgId, filters: ResolvedFilters, page: { cursor?: bigint; limit: number }): Prisma.Sql {
  // One row beyond the page says whether there is a next one, without counting.
  return orderedEventsSql(orgId, filters, { before: page.cursor }, "desc", page.limit + 1, PAGE_COLUMNS);
}

export interface AuditPage {
  rows: AuditEventRow[];
  /** The last seq of this page (encode it for clients), null on the last page. */
  nextSeq: string | null;
}

export async function listAuditEvents(orgId: OrgId, filters: AuditFilters, page: { cursor?: bigint; limit: number }): Promise<AuditPage> {
  const resolved = await resolveFilters(orgId, filters);
  if (!resolved) return { rows: [], nextSeq: null };
  const rows = await db.$queryRaw<(AuditEventRow & { sort_seq: bigint })[]>(auditPageSql(orgId, resolved, page));
  const more = rows.length > page.limit;
  const kept = rows.slice(0, page.limit).map(({ sort_seq: _key, ...row }) => row);
  return { rows: kept, nextSeq: more ? kept.at(-1)!.seq : null };
}

export const MAX_CHART_DAYS = 366;
export const DEFAULT_CHART_DAYS = 30;
const DAY_MS = 86_400_000;

export interface EventsPerDay {
  /** UTC days, oldest first, days without events included as zeros. */
  days: { day: string; events: number }[];
  /** The range asked for was longer than MAX_CHART_DAYS: only its last days are shown. */
  clipped: boolean;
}

/** The chart's range: the filter's, else the last DEFAULT_CHART_DAYS days; at most MAX_CHART_DAYS. */
export function chartRange(filters: Pick<AuditFilters, "from" | "to">, now = new Date()): { from: Date; to: Date; clipped: boolean } {
  const tomorrow = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  const to = filters.to ?? tomorrow;
  const earliest = new Date(Math.ceil(to.getTime() / DAY_MS) * DAY_MS - MAX_CHART_DAYS * DAY_MS);
  const wanted = filters.from ?? new Date(tomorrow.getTime() - DEFAULT_CHART_DAYS * DAY_MS);
  const clipped = wanted < earliest;
  return { from: clipped ? earliest : wanted, to, clipped };
}

/** Events per UTC day over `range`, with the other filters: one GROUP BY on an index range. */
export function eventsPerDaySql(orgId: OrgId, filters: ResolvedFilters, range: { from: Date; to: Date }): Prisma.Sql {
  // The date range itself, on (chain, created_at): the counts need every event of the range anyway.
  const where = conditions(orgId, { ...filters, action: undefined, seqFrom: undefined, seqTo: undefined, from: range.from, to: range.to }, {}, filters.action);
  return Prisma.sql`SELECT to_char(date_trunc('day', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, count(*)::int AS events
    FROM audit_logs WHERE ${where} GROUP BY 1 ORDER BY 1`;
}

export async function auditEventsPerDay(orgId: OrgId, filters: AuditFilters, now = new Date()): Promise<EventsPerDay> {
  const { from, to, clipped } = chartRange(filters, now);
  const resolved = await resolveFilters(orgId, { ...filters, from: undefined, to: undefined });
  const rows = resolved ? await db.$queryRaw<{ day: string; events: number }[]>(eventsPerDaySql(orgId, resolved, { from, to })) : [];
  const counts = new Map(rows.map((row) => [row.day, Number(row.events)]));
  const days: EventsPerDay["days"] = [];
  for (let t = Math.floor(from.getTime() / DAY_MS) * DAY_MS; t < to.getTime(); t += DAY_MS) {
    const day = new Date(t).toISOString().slice(0, 10);
    days.push({ day, events: counts.get(day) ?? 0 });
  }
  return { days, clipped };
}
