import { describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "@/lib/audit/actions";
import { recordAudit } from "@/lib/audit/record";
import { verifyAuditChain } from "@/lib/audit/verify";
import { db } from "@/lib/db/client";
import { makeOrg } from "../../support/fixtures";

async function record(orgId: string, n: number) {
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      db.$transaction((tx) =>
        recordAudit(tx, {
          action: "project.created",
          orgId,
          actor: SYSTEM_ACTOR("test"),
          target: { type: "project", id: `p${i}` },
          metadata: { i, nested: { b: 2, a: [1, "x"] } },
          request: { requestId: `req${i}aaaaaaaa`, ip: "192.0.2.1", userAgent: "vitest" },
        }),
      ),
    ),
  );
}

/** Tamper as a database superuser would, bypassing the append-only trigger for one statement. */
async function tamper(sql: string, ...values: unknown[]) {
  await db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe("ALTER TABLE audit_logs DISABLE TRIGGER USER");
    await tx.$executeRawUnsafe(sql, ...values);
    await tx.$executeRawUnsafe("ALTER TABLE audit_logs ENABLE TRIGGER USER");
  });
}

describe("the audit hash chain", () => {
  it("numbers concurrent writers of one org without gaps and verifies", async () => {
    const org = await makeOrg("Chain");
    await record(org.id, 25);
    const seqs = (await db.auditLog.findMany({ where: { orgId: org.id }, orderBy: { seq: "asc" } })).map((e) => Number(e.seq));
    expect(seqs).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(await verifyAuditChain(org.id)).toEqual({ ok: true, events: 25, lastSeq: "25" });
  });

  it("keeps chains of different orgs independent", async () => {
    const [a, b] = [await makeOrg("ChainA"), await makeOrg("ChainB")];
    await Promise.all([record(a.id, 5), record(b.id, 7)]);
    expect(await verifyAuditChain(a.id)).toMatchObject({ ok: true, events: 5 });
    expect(await verifyAuditChain(b.id)).toMatchObject({ ok: true, events: 7 });
  });

  it("finds the first altered event", async () => {
    const org = await makeOrg("Altered");
    await record(org.id, 6);
    await tamper(`UPDATE audit_logs SET metadata = '{"i": 99}' WHERE org_id = $1::uuid AND seq = 3`, org.id);
    expect(await verifyAuditChain(org.id)).toMatchObject({ ok: false, brokenAtSeq: "3", reason: "hash_mismatch", events: 2 });
  });

  it("finds a deleted event and a re-hashed forgery", async () => {
    const org = await makeOrg("Deleted");
    await record(org.id, 5);
    await tamper(`DELETE FROM audit_logs WHERE org_id = $1::uuid AND seq = 2`, org.id);
    expect(await verifyAuditChain(org.id)).toMatchObject({ ok: false, brokenAtSeq: "2", reason: "sequence_gap" });

    const other = await makeOrg("Forged");
    await record(other.id, 4);
    // A forger who rewrites an event and recomputes its hash still breaks the next link.
    const victim = await db.auditLog.findFirstOrThrow({ where: { orgId: other.id, seq: 2 } });
    const { hashEvent } = await import("@/lib/audit/chain");
    const forged = { ...victim, actorLabel: "someone-else" };
    const { id: _id, hash: _hash, ...fields } = forged;
    await tamper(`UPDATE audit_logs SET actor_label = $2, hash = $3 WHERE id = $1::uuid`, victim.id, "someone-else", hashEvent(fields));
    expect(await verifyAuditChain(other.id)).toMatchObject({ ok: false, brokenAtSeq: "3", reason: "link_mismatch" });
  });
});
