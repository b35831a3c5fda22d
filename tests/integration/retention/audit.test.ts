import { describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "@/lib/audit/actions";
import { recordAudit } from "@/lib/audit/record";
import { verifyAuditChain } from "@/lib/audit/verify";
import { db } from "@/lib/db/client";
import { DAY, ago, auditSeqs, insertChain, makeRetentionOrg, runUnskipped } from "./support";

const SECOND = 1000;
const HOUR = 3_600_000;

async function appendEvent(orgId: string) {
  await db.$transaction((tx) => recordAudit(tx, { action: "org.updated", orgId, actor: SYSTEM_ACTOR("test") }));
}

describe("retention of audit events", () => {
  it("cuts events older than the audit retention from the head of the chain, which still verifies", async () => {
    const { org } = await makeRetentionOrg(30, 100);
    const old = [ago(100 * DAY + 8 * HOUR), ...Array.from({ length: 7 }, (_, i) => ago(100 * DAY + (7 - i) * HOUR)), ago(100 * DAY + SECOND)];
    const fresh = [ago(100 * DAY - SECOND), ago(50 * DAY), ago(DAY), ago(SECOND)];
    const hashes = await insertChain(org.id, org.id, [...old, ...fresh]);
    expect(await verifyAuditChain(org.id)).toMatchObject({ ok: true, events: 13 });

    const result = await runUnskipped({ orgIds: [org.id], batchSize: 4 });
    expect(result.counts[org.id]).toEqual({ usage: 0, contents: 0, audit: 9 });
    expect(await auditSeqs(org.id)).toEqual([10, 11, 12, 13]);
    expect(await verifyAuditChain(org.id)).toEqual({ ok: true, events: 4, lastSeq: "13", checkpointSeq: "9" });
    const checkpoints = await db.auditCheckpoint.findMany({ where: { chain: org.id } });
    expect(checkpoints).toHaveLength(1);
    expect(checkpoints[0]).toMatchObject({ throughSeq: 9n, lastHash: hashes[8], deletedCount: 9n });

    // The chain goes on from where it was.
    await appendEvent(org.id);
    expect(await verifyAuditChain(org.id)).toMatchObject({ ok: true, events: 5, lastSeq: "14" });
  });

  it("keeps at least 90 days, whatever the org's setting", async () => {
    const { org } = await makeRetentionOrg(30, 30);
    await insertChain(org.id, org.id, [ago(200 * DAY), ago(90 * DAY + SECOND), ago(90 * DAY - SECOND), ago(60 * DAY), ago(DAY)]);
    const result = await runUnskipped({ orgIds: [org.id] });
    expect(result.counts[org.id]?.audit).toBe(2);
    expect(await auditSeqs(org.id)).toEqual([3, 4, 5]);
    expect(await verifyAuditChain(org.id)).toMatchObject({ ok: true, events: 3, checkpointSeq: "2" });
  });

  it("keeps the newest event of a chain, and a later cut continues from the checkpoint", async () => {
    const { org } = await makeRetentionOrg(30, 365);
    await insertChain(org.id, org.id, Array.from({ length: 5 }, (_, i) => ago(500 * DAY - i * DAY)));
    await runUnskipped({ orgIds: [org.id], batchSize: 2 });
    expect(await auditSeqs(org.id)).toEqual([5]);
    expect(await verifyAuditChain(org.id)).toEqual({ ok: true, events: 1, lastSeq: "5", checkpointSeq: "4" });

    // Written now, the event is years older than the tests' `now`: the next cut takes seq 5 and keeps it.
    await appendEvent(org.id);
    const second = await runUnskipped({ orgIds: [org.id] });
    expect(second.counts[org.id]?.audit).toBe(1);
    expect(await auditSeqs(org.id)).toEqual([6]);
    expect(await verifyAuditChain(org.id)).toEqual({ ok: true, events: 1, lastSeq: "6", checkpointSeq: "5" });
    expect(await db.auditCheckpoint.count({ where: { chain: org.id } })).toBe(2);
  });

  it("a tampered or removed checkpoint fails verification", async () => {
    const { org } = await makeRetentionOrg(30, 90);
    await insertChain(org.id, org.id, [ago(95 * DAY), ago(94 * DAY), ago(93 * DAY), ago(DAY)]);
    await runUnskipped({ orgIds: [org.id] });
    const checkpoint = await db.auditCheckpoint.findFirstOrThrow({ where: { chain: org.id } });
    expect(await verifyAuditChain(org.id)).toMatchObject({ ok: true, checkpointSeq: "3" });

    const broken = { ok: false, reason: "checkpoint_invalid", brokenAtSeq: "4" };
    await db.auditCheckpoint.update({ where: { id: checkpoint.id }, data: { lastHash: "a".repeat(64) } });
    expect(await verifyAuditChain(org.id)).toMatchObject(broken);
    await db.auditCheckpoint.update({ where: { id: checkpoint.id }, data: { lastHash: checkpoint.lastHash, throughSeq: 2n } });
    expect(await verifyAuditChain(org.id)).toMatchObject({ ok: false, reason: "checkpoint_invalid" });
    const flipped = checkpoint.signature.slice(0, -1) + (checkpoint.signature.endsWith("0") ? "1" : "0");
    await db.auditCheckpoint.update({ where: { id: checkpoint.id }, data: { throughSeq: 3n, signature: flipped } });
    expect(await verifyAuditChain(org.id)).toMatchObject(broken);

    await db.auditCheckpoint.update({ where: { id: checkpoint.id }, data: { signature: checkpoint.signature } });
    expect(await verifyAuditChain(org.id)).toMatchObject({ ok: true, events: 1 });
    await db.auditCheckpoint.delete({ where: { id: checkpoint.id } });
    expect(await verifyAuditChain(org.id)).toMatchObject({ ok: false, reason: "sequence_gap", brokenAtSeq: "1" });
  });

  it("leaves a broken chain alone, so the evidence stays", async () => {
    const { org } = await makeRetentionOrg(30, 90);
    await insertChain(org.id, org.id, [ago(200 * DAY), ago(199 * DAY), ago(198 * DAY), ago(DAY)], 2);
    const result = await runUnskipped({ orgIds: [org.id] });
    expect(result.counts[org.id]).toBeUndefined();
    expect(await auditSeqs(org.id)).toEqual([1, 2, 3, 4]);
    expect(await verifyAuditChain(org.id)).toMatchObject({ ok: false, reason: "hash_mismatch", brokenAtSeq: "2" });
  });
});
