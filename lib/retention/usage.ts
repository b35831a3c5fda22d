import "server-only";
import { db } from "@/lib/db/client";
import type { BatchPacer } from "./batches";
import type { OrgCounts, UsageTarget } from "./targets";

/**
 * Delete one project's usage records older than its cutoff, with their stored
 * prompt and response text (usage_contents rows go with their record through
 * the foreign key's ON DELETE CASCADE, counted just before).
 *
 * Each batch is one statement, so its own short transaction: the oldest rows
 * by (project_id, created_at), deleted by physical row id. The scan restarts
 * where the previous batch ended (`created_at >= last`), so it never walks the
 * index entries of rows already deleted. Rows still being written are newer
 * than any cutoff, so the batches and a concurrent writer never touch the same
 * rows.
 */
interface BatchRow {
  records: number;
  contents: number;
  last: Date | null;
}

const EPOCH = new Date(0);

async function deleteBatch(target: UsageTarget, from: Date, size: number): Promise<BatchRow> {
  const [row] = await db.$queryRaw<BatchRow[]>`
    WITH batch AS MATERIALIZED (
      SELECT ctid AS row_id, id FROM usage_records
      WHERE project_id = ${target.projectId}::uuid
        AND created_at >= ${from}::timestamptz AND created_at < ${target.cutoff}::timestamptz
      ORDER BY created_at
      LIMIT ${size}::int
    ), contents AS (
      SELECT count(*)::int AS n FROM usage_contents WHERE usage_id = ANY (ARRAY(SELECT id FROM batch))
    ), deleted AS (
      DELETE FROM usage_records
      WHERE ctid = ANY (ARRAY(SELECT row_id FROM batch)) AND created_at < ${target.cutoff}::timestamptz
      RETURNING created_at
    )
    SELECT (SELECT count(*)::int FROM deleted) AS records, (SELECT n FROM contents) AS contents,
           (SELECT max(created_at) FROM deleted) AS last`;
  return row ?? { records: 0, contents: 0, last: null };
}

/** Returns false when the budget ran out before the project was done. */
export async function purgeUsage(target: UsageTarget, counts: OrgCounts, pacer: BatchPacer): Promise<boolean> {
  let from = EPOCH;
  for (;;) {
    if (pacer.exhausted) return false;
    const size = pacer.nextSize();
    const started = performance.now();
    const batch = await deleteBatch(target, from, size);
    const ms = performance.now() - started;
    counts.usage += batch.records;
    counts.contents += batch.contents;
    await pacer.done("usage", target.orgId, batch.records, ms);
    if (batch.records < size || !batch.last) return true;
    from = batch.last;
  }
}
