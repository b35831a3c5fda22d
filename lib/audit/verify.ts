import "server-only";
import { db } from "@/lib/db/client";
import { GENESIS_HASH, PLATFORM_CHAIN, hashEvent } from "./chain";
import { checkpointSignatureValid } from "./checkpoint";

export type ChainVerdict =
  | { ok: true; events: number; lastSeq: string | null; checkpointSeq?: string }
  | {
      ok: false;
      events: number;
      brokenAtSeq: string;
      eventId: string | null;
      reason: "hash_mismatch" | "link_mismatch" | "sequence_gap" | "checkpoint_invalid";
    };

const PAGE = 1000;

/**
 * Walk an org's chain in order and report the first broken link: an event whose
 * stored hash is not the hash of its fields, whose previous hash is not the hash
 * of the event before it, or a missing sequence number. When retention has cut
 * the head of the chain, the walk starts after its latest checkpoint: the
 * checkpoint's signature must verify, and the first remaining event must be
 * `throughSeq + 1` with `prev_hash` equal to the checkpoint's `lastHash`.
 */
export async function verifyAuditChain(orgId: string | null): Promise<ChainVerdict> {
  const chain = orgId ?? PLATFORM_CHAIN;
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1n;
  let events = 0;
  const checkpoint = await db.auditCheckpoint.findFirst({ where: { chain }, orderBy: { throughSeq: "desc" } });
  if (checkpoint) {
    expectedSeq = checkpoint.throughSeq + 1n;
    if (!checkpointSignatureValid(checkpoint)) {
      return { ok: false, events, brokenAtSeq: expectedSeq.toString(), eventId: null, reason: "checkpoint_invalid" };
    }
    prevHash = checkpoint.lastHash;
  }
  const from = checkpoint ? { checkpointSeq: checkpoint.throughSeq.toString() } : {};
  for (;;) {
    const rows = await db.auditLog.findMany({
      where: { chain, seq: { gte: expectedSeq } },
      orderBy: { seq: "asc" },
      take: PAGE,
    });
    for (const row of rows) {
      if (row.seq !== expectedSeq) {
        return { ok: false, events, brokenAtSeq: expectedSeq.toString(), eventId: null, reason: "sequence_gap" };
      }
      if (row.prevHash !== prevHash) {
        return { ok: false, events, brokenAtSeq: row.seq.toString(), eventId: row.id, reason: "link_mismatch" };
      }
      const { id: _id, hash, ...fields } = row;
      if (hashEvent(fields) !== hash) {
        return { ok: false, events, brokenAtSeq: row.seq.toString(), eventId: row.id, reason: "hash_mismatch" };
      }
      prevHash = hash;
      expectedSeq += 1n;
      events += 1;
    }
    if (rows.length < PAGE) break;
  }
  return { ok: true, events, lastSeq: events ? (expectedSeq - 1n).toString() : null, ...from };
}
