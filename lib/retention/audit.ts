import "server-only";
import { GENESIS_HASH, hashEvent } from "@/lib/audit/chain";
import { checkpointSignatureValid, signCheckpoint } from "@/lib/audit/checkpoint";
import { db } from "@/lib/db/client";
import { log } from "@/lib/log";
import type { BatchPacer } from "./batches";
import type { AuditTarget, OrgCounts } from "./targets";

/**
 * Cut a chain's old events from its head only, in seq order, so the rest of
 * the chain has no hole and still verifies:
 *
 * - the cut starts where the latest checkpoint ended (or at seq 1), and every
 *   event it removes is verified first (contiguous seq, prev_hash link, hash):
 *   a checkpoint vouches only for events that were intact, and a chain found
 *   broken is left alone (and logged) so the evidence stays;
 * - it stops at the first event not older than the cutoff, and never removes
 *   the newest event of a chain: the next event is numbered from it;
 * - each batch is one transaction: `SET LOCAL gatehouse.audit_retention = 'on'`
 *   (the only way past the append-only trigger), the DELETE, and this run's
 *   signed checkpoint for the chain, created by its first batch and moved
 *   forward by the next ones.
 *
 * Hashing makes audit batches dearer per row than usage batches: at most
 * AUDIT_BATCH_CAP events each.
 */
const AUDIT_BATCH_CAP = 1_000;

interface Head {
  from: bigint;
  prevHash: string;
}

type ChainRow = Awaited<ReturnType<typeof fetchHead>>[number];

async function startOfChain(chain: string): Promise<Head | null> {
  const checkpoint = await db.auditCheckpoint.findFirst({ where: { chain }, orderBy: { throughSeq: "desc" } });
  if (!checkpoint) return { from: 1n, prevHash: GENESIS_HASH };
  return checkpointSignatureValid(checkpoint) ? { from: checkpoint.throughSeq + 1n, prevHash: checkpoint.lastHash } : null;
}

function fetchHead(chain: string, from: bigint, size: number) {
  return db.auditLog.findMany({ where: { chain, seq: { gte: from } }, orderBy: { seq: "asc" }, take: size + 1 });
}

/** How many of `rows` (the head, plus one more when there is one) may go; null when the chain is broken. */
function cuttable(rows: ChainRow[], head: Head, size: number, cutoff: Date): number | null {
  let expectedSeq = head.from;
  let prevHash = head.prevHash;
  // The last row fetched is the chain's newest when fewer than size + 1 came back: keep it.
  const limit = rows.length > size ? size : rows.length - 1;
  let n = 0;
  for (const row of rows.slice(0, Math.max(0, limit))) {
    if (row.createdAt >= cutoff) break;
    const { id: _id, hash, ...fields } = row;
    if (row.seq !== expectedSeq || row.prevHash !== prevHash || hashEvent(fields) !== hash) return null;
    prevHash = hash;
    expectedSeq += 1n;
    n += 1;
  }
  return n;
}

/** Returns false when the budget ran out before the chain was done. */
export async function cutAuditChain(target: AuditTarget, counts: OrgCounts, pacer: BatchPacer): Promise<boolean> {
  let head = await startOfChain(target.chain);
  if (!head) {
    log.error("retention: audit checkpoint signature invalid; chain not cut", { chain: target.chain });
    return true;
  }
  let checkpointId: string | null = null;
  let cut = 0n;
  for (;;) {
    if (pacer.exhausted) return false;
    const size = pacer.nextSize(AUDIT_BATCH_CAP);
    const started = performance.now();
    const rows = await fetchHead(target.chain, head.from, size);
    const n = cuttable(rows, head, size, target.cutoff);
    if (n === null) {
      log.error("retention: audit chain broken at its head; chain not cut", { chain: target.chain, fromSeq: head.from.toString() });
      return true;
    }
    if (n === 0) return true;
    const last = rows[n - 1]!;
    const through = last.seq;
    const fields = { chain: target.chain, throughSeq: through, lastHash: last.hash, deletedCount: cut + BigInt(n), cutoff: target.cutoff };
    const checkpoint = { ...fields, signature: signCheckpoint(fields) };
    checkpointId = await db.$transaction(async (tx) => {
      // SET LOCAL, in its function form: the mark ends with this transaction.
      await tx.$executeRaw`SELECT set_config('gatehouse.audit_retention', 'on', true)`;
      const deleted = await tx.$executeRaw`
        DELETE FROM audit_logs WHERE chain = ${target.chain} AND seq >= ${head!.from} AND seq <= ${through}`;
      if (deleted !== n) throw new Error(`audit cut of ${target.chain} deleted ${deleted} events, expected ${n}`);
      if (checkpointId) return (await tx.auditCheckpoint.update({ where: { id: checkpointId }, data: checkpoint, select: { id: true } })).id;
      return (await tx.auditCheckpoint.create({ data: checkpoint, select: { id: true } })).id;
    });
    const ms = performance.now() - started;
    cut += BigInt(n);
    counts.audit += n;
    head = { from: through + 1n, prevHash: last.hash };
    await pacer.done("audit", target.orgId, n, ms);
    if (n < size) return true;
  }
}
