import { randomUUID } from "node:crypto";
import { GENESIS_HASH, hashEvent, type ChainedFields } from "@/lib/audit/chain";
import { db } from "@/lib/db/client";
import { runRetention, type RetentionOptions, type RetentionResult } from "@/lib/retention/run";
import { makeApiKey, makeOrg, makeProject } from "../../support/fixtures";

export const DAY = 86_400_000;

/**
 * The moment these tests count cutoffs back from: far in the future, so that a
 * real run elsewhere in the suite (the isolation matrix calls the cron route,
 * counting back from the real now) finds nothing of ours old enough, and our
 * rows "older than the cutoff" are still newer than anything it deletes. Runs
 * here are limited to the tests' own orgs (`orgIds`) for the same reason.
 */
export const NOW = new Date(Math.floor(Date.now() / 1000) * 1000 + 3000 * DAY);
export const ago = (ms: number) => new Date(NOW.getTime() - ms);

/** An org with the given retention (and audit retention), one project and an API key for its usage rows. */
export async function makeRetentionOrg(retentionDays: number, auditRetentionDays = 365) {
  const org = await makeOrg("Retention");
  await db.orgSettings.update({ where: { orgId: org.id }, data: { retentionDays, auditRetentionDays } });
  const project = await addProject(org.id, null);
  return { org, project };
}

export async function addProject(orgId: string, retentionDays: number | null) {
  const project = await makeProject(orgId);
  if (retentionDays !== null) await db.projectSettings.update({ where: { projectId: project.id }, data: { retentionDays } });
  const key = await makeApiKey(orgId, project.id);
  return { id: project.id, orgId, apiKeyId: key.id };
}

/** Usage rows at the given times; `withContent` also stores their prompt and response text. */
export async function insertUsage(project: { id: string; orgId: string; apiKeyId: string }, times: Date[], withContent = true): Promise<string[]> {
  const rows = times.map((createdAt) => ({
    id: randomUUID(),
    orgId: project.orgId,
    projectId: project.id,
    apiKeyId: project.apiKeyId,
    provider: "openai",
    model: "gpt-4o-mini",
    endpoint: "chat.completions",
    status: 200,
    latencyMs: 12,
    requestId: `req_${randomUUID().slice(0, 12)}`,
    createdAt,
  }));
  await db.usageRecord.createMany({ data: rows });
  if (withContent) {
    await db.usageContent.createMany({
      data: rows.map((r) => ({ usageId: r.id, orgId: r.orgId, prompt: [{ role: "user", content: "hello" }], response: "hi", createdAt: r.createdAt })),
    });
  }
  return rows.map((r) => r.id);
}

/**
 * A valid hash chain for `chain` with the given creation times (seq 1, 2, …), written straight to the
 * table; `corruptSeq` alters that event after it was hashed (a broken chain).
 */
export async function insertChain(chain: string, orgId: string | null, times: Date[], corruptSeq?: number): Promise<string[]> {
  let prevHash = GENESIS_HASH;
  const rows = times.map((createdAt, i) => {
    const fields: ChainedFields = {
      chain,
      seq: BigInt(i + 1),
      orgId,
      projectId: null,
      action: "project.created",
      actorType: "SYSTEM",
      actorId: null,
      actorLabel: "test",
      targetType: "project",
      targetId: `p${i}`,
      ip: null,
      userAgent: null,
      requestId: null,
      metadata: { i },
      createdAt,
      prevHash,
    };
    const hash = hashEvent(fields);
    prevHash = hash;
    const metadata = i + 1 === corruptSeq ? { i, altered: true } : { i };
    return { ...fields, actorType: "SYSTEM" as const, metadata, hash };
  });
  await db.auditLog.createMany({ data: rows });
  return rows.map((r) => r.hash);
}

export async function usageIds(orgId: string): Promise<Set<string>> {
  return new Set((await db.usageRecord.findMany({ where: { orgId }, select: { id: true } })).map((r) => r.id));
}

export async function contentIds(orgId: string): Promise<Set<string>> {
  return new Set((await db.usageContent.findMany({ where: { orgId }, select: { usageId: true } })).map((r) => r.usageId));
}

export async function auditSeqs(chain: string): Promise<number[]> {
  return (await db.auditLog.findMany({ where: { chain }, orderBy: { seq: "asc" }, select: { seq: true } })).map((r) => Number(r.seq));
}

/**
 * A run that does its work: another test file may hold the retention lock for
 * a moment (the matrix's real run), in which case this one is "skipped"; try again.
 */
export async function runUnskipped(options: Omit<RetentionOptions, "trigger"> & { trigger?: RetentionOptions["trigger"] }): Promise<RetentionResult> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const result = await runRetention({ trigger: "manual", now: NOW, ...options });
    if (result.status !== "skipped") return result;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error("the retention lock stayed taken");
}
