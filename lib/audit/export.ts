import "server-only";
import { db, pgPool, Prisma } from "@/lib/db/client";
import { log } from "@/lib/log";
import type { OrgContext } from "@/lib/security/context";
import { requireRecentMfa } from "@/lib/security/step-up";
import { csvRow } from "./csv";
import { orderedEventsSql, resolveFilters, type ResolvedFilters } from "./query";
import { recordAudit } from "./record";
import type { AuditFilters, ExportFormat } from "./schemas";

/**
 * Streaming an org's audit log as CSV or JSON Lines. The body is a pull
 * stream: each pull sends one batch, read by keyset (`seq > last`, ascending)
 * as text columns through the pool's plain `pg` connections, while the next
 * batch is already being read. A slow client stops the pulls, so at most two
 * batches are in memory whatever the size of the log, and no connection is
 * held between batches. The export covers the events up to the one written
 * last when it was asked for; the record of the export itself comes after.
 */
export const EXPORT_BATCH = 2000;

const ISO = `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
/** After `sort_seq` (the seq): the columns of a row, all as text, in this order. */
const COLUMNS = Prisma.raw(
  `id::text, ${ISO}, action, actor_type::text, actor_id, actor_label, target_type, target_id, org_id::text, project_id::text, ip, user_agent, request_id, metadata::text, prev_hash, hash`,
);
export const CSV_HEADER = ["seq", "id", "created_at", "action", "actor_type", "actor_id", "actor_label", "target_type", "target_id", "org_id", "project_id", "ip", "user_agent", "request_id", "metadata", "prev_hash", "hash"] as const;
const JSON_KEYS = ["seq", "id", "createdAt", "action", "actorType", "actorId", "actorLabel", "targetType", "targetId", "orgId", "projectId", "ip", "userAgent", "requestId"] as const;
const JSON_PREFIXES = JSON_KEYS.map((key, i) => `${i ? "," : "{"}"${key}":`);
const METADATA = JSON_KEYS.length;
/** Text that JSON can carry between quotes as it is (most cells): no encoder call for it. */
const JSON_PLAIN = /^[^"\\\u0000-\u001f\u2028\u2029]*$/;

type TextRow = (string | null)[];

const jsonString = (value: string | null) => (value === null ? "null" : JSON_PLAIN.test(value) ? `"${value}"` : JSON.stringify(value));

function jsonLine(row: TextRow): string {
  let line = "";
  for (let i = 0; i < METADATA; i++) line += JSON_PREFIXES[i] + jsonString(row[i]!);
  // metadata is JSON already (jsonb's text form), embedded as it is; the hashes are hex.
  return `${line},"metadata":${row[METADATA]},"prevHash":"${row[METADATA + 1]}","hash":"${row[METADATA + 2]}"}\n`;
}

/** The SQL of one export batch (tests EXPLAIN it). */
export function exportBatchSql(orgId: OrgContext["orgId"], filters: ResolvedFilters, after: bigint, through: bigint): Prisma.Sql {
  return orderedEventsSql(orgId, filters, { after, through }, "asc", EXPORT_BATCH, COLUMNS);
}

async function readBatch(orgId: OrgContext["orgId"], filters: ResolvedFilters, after: bigint, through: bigint): Promise<TextRow[]> {
  const sql = exportBatchSql(orgId, filters, after, through);
  const result = await pgPool().query<TextRow>({ text: sql.text, values: sql.values as unknown[], rowMode: "array" });
  return result.rows;
}

function exportStream(orgId: OrgContext["orgId"], filters: ResolvedFilters | null, through: bigint | null, format: ExportFormat): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const encode = format === "csv" ? csvRow : jsonLine;
  let finished = filters === null || through === null;
  let cancelled = false;
  let next: Promise<TextRow[]> | null = null;
  const fetchAfter = (after: bigint) => {
    const batch = readBatch(orgId, filters!, after, through!);
    batch.catch(() => {}); // awaited by the next pull; a cancelled export never awaits it
    return batch;
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (format === "csv") controller.enqueue(encoder.encode(csvRow(CSV_HEADER)));
    },
    async pull(controller) {
      if (finished) return controller.close();
      try {
        const rows = await (next ?? fetchAfter(0n));
        next = null;
        if (cancelled) return;
        // `sort_seq` comes first: the keyset of the next batch, and the row's seq.
        if (rows.length === EXPORT_BATCH) next = fetchAfter(BigInt(rows.at(-1)![0]!));
        else finished = true;
        let text = "";
        for (const row of rows) text += encode(row);
        if (text) controller.enqueue(encoder.encode(text));
        if (finished) controller.close();
      } catch (error) {
        finished = true;
        if (cancelled) return;
        log.error("audit export failed", { orgId, error });
        controller.error(new Error("The export failed."));
      }
    },
    cancel() {
      finished = cancelled = true;
    },
  });
}

/** A cheap size hint for progress: exact for the whole log or a date range of it, none for other filters. */
async function estimate(orgId: OrgContext["orgId"], filters: ResolvedFilters, through: bigint): Promise<number | null> {
  if (filters.action || filters.actorId || filters.targetId) return null;
  const [first] = filters.seqFrom === undefined ? await db.$queryRaw<{ seq: bigint | null }[]>`SELECT min(seq) AS seq FROM audit_logs WHERE chain = ${orgId}` : [{ seq: filters.seqFrom }];
  const low = first?.seq ?? through + 1n;
  const high = filters.seqTo !== undefined && filters.seqTo < through ? filters.seqTo : through;
  return high >= low ? Number(high - low + 1n) : 0;
}

export interface AuditExport {
  body: ReadableStream<Uint8Array>;
  filename: string;
  contentType: string;
  estimate: number | null;
}

/** Record the export (with its filters), then stream it. Needs a recent MFA check (step-up). */
export async function startAuditExport(ctx: OrgContext, filters: AuditFilters, format: ExportFormat, now = new Date()): Promise<AuditExport> {
  requireRecentMfa(ctx);
  const resolved = await resolveFilters(ctx.orgId, filters);
  const [last] = await db.$queryRaw<{ through: bigint | null }[]>`SELECT max(seq) AS through FROM audit_logs WHERE chain = ${ctx.orgId}`;
  const through = last?.through ?? null;
  await db.$transaction((tx) =>
    recordAudit(tx, {
      action: "audit.exported",
      orgId: ctx.orgId,
      actor: ctx.actor,
      target: { type: "org", id: ctx.orgId },
      metadata: {
        format,
        throughSeq: through?.toString() ?? null,
        filters: { ...filters, from: filters.from?.toISOString(), to: filters.to?.toISOString() },
      },
      request: ctx.request,
    }),
  );
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  return {
    body: exportStream(ctx.orgId, resolved, through, format),
    filename: `audit-log-${ctx.orgSlug}-${stamp}.${format}`,
    contentType: format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
    estimate: resolved && through !== null ? await estimate(ctx.orgId, resolved, through) : 0,
  };
}
