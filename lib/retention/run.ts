import "server-only";
import { SYSTEM_ACTOR, type Actor } from "@/lib/audit/actions";
import { PLATFORM_CHAIN } from "@/lib/audit/chain";
import { recordAudit } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import type { RequestMeta } from "@/lib/security/request-meta";
import { cutAuditChain } from "./audit";
import { BatchPacer, type BatchInfo } from "./batches";
import { tryRetentionLock } from "./lock";
import { auditTargets, countAudit, countUsage, usageTargets, type OrgCounts, type Scope } from "./targets";
import { purgeUsage } from "./usage";

export type RetentionTrigger = "cron" | "internal" | "timer" | "manual";
export type RetentionStatus = "completed" | "partial" | "failed" | "skipped";

export interface RetentionOptions {
  trigger: RetentionTrigger;
  /** Count what would be deleted, delete nothing (takes no lock: it only reads). */
  dryRun?: boolean;
  /** No batch starts after this many milliseconds (default RETENTION_BUDGET_MS). */
  budgetMs?: number;
  /** Largest batch, in rows (default RETENTION_BATCH_SIZE). */
  batchSize?: number;
  /** The moment cutoffs are counted back from (default: now). */
  now?: Date;
  /** Only these orgs' data (the platform chain is left alone); default: every org and the platform chain. */
  orgIds?: string[];
  actor?: Actor;
  request?: RequestMeta | null;
  /** Called after each committed batch; throwing stops the run (status "failed"), as a crash would. */
  onBatch?: (batch: BatchInfo) => void | Promise<void>;
}

export interface RetentionTotals extends OrgCounts {
  /** Orgs (and the platform chain) with anything deleted. */
  orgs: number;
  batches: number;
  maxBatchMs: number;
  durationMs: number;
}

export interface RetentionResult {
  runId: string;
  status: RetentionStatus;
  dryRun: boolean;
  /** Per org id (the platform chain as "platform"): only those with anything to delete. */
  counts: Record<string, OrgCounts>;
  totals: RetentionTotals;
}

type Counts = Map<string, OrgCounts>;

function countsFor(counts: Counts, key: string): OrgCounts {
  let entry = counts.get(key);
  if (!entry) counts.set(key, (entry = { usage: 0, contents: 0, audit: 0 }));
  return entry;
}

/** Usage first (the stored texts are what matters most), then the audit chains. False: the budget ran out. */
async function purge(now: Date, scope: Scope, counts: Counts, pacer: BatchPacer): Promise<boolean> {
  for (const target of await usageTargets(now, scope)) {
    if (!(await purgeUsage(target, countsFor(counts, target.orgId), pacer))) return false;
  }
  for (const target of await auditTargets(now, scope)) {
    if (!(await cutAuditChain(target, countsFor(counts, target.orgId ?? PLATFORM_CHAIN), pacer))) return false;
  }
  return true;
}

async function dryRunCounts(now: Date, scope: Scope, counts: Counts): Promise<void> {
  for (const [orgId, found] of await countUsage(now, scope)) Object.assign(countsFor(counts, orgId), found);
  for (const [target, audit] of await countAudit(now, scope)) if (audit) countsFor(counts, target.orgId ?? PLATFORM_CHAIN).audit = audit;
}

function summarise(counts: Counts, pacer: BatchPacer | null, started: number) {
  const byOrg = Object.fromEntries([...counts].filter(([, c]) => c.usage || c.contents || c.audit));
  const totals: RetentionTotals = { usage: 0, contents: 0, audit: 0, orgs: Object.keys(byOrg).length, batches: 0, maxBatchMs: 0, durationMs: 0 };
  for (const c of Object.values(byOrg)) {
    totals.usage += c.usage;
    totals.contents += c.contents;
    totals.audit += c.audit;
  }
  totals.batches = pacer?.batches ?? 0;
  totals.maxBatchMs = Math.round((pacer?.maxBatchMs ?? 0) * 10) / 10;
  totals.durationMs = Math.round(performance.now() - started);
  return { counts: byOrg, totals };
}

interface Outcome {
  runId: string | null;
  startedAt: Date;
  status: RetentionStatus;
  dryRun: boolean;
  counts: Record<string, OrgCounts>;
  totals: RetentionTotals;
  error?: string;
}

/** Write the run's row and its `retention.run` audit event (platform chain, system actor) in one transaction. */
async function record(options: RetentionOptions, outcome: Outcome): Promise<string> {
  const actor = options.actor ?? SYSTEM_ACTOR(`retention:${options.trigger}`);
  const data = {
    trigger: options.trigger,
    dryRun: outcome.dryRun,
    status: outcome.status,
    counts: outcome.counts,
    totals: { ...outcome.totals },
    error: outcome.error ?? null,
    finishedAt: new Date(),
  };
  return db.$transaction(async (tx) => {
    const run = outcome.runId
      ? await tx.retentionRun.update({ where: { id: outcome.runId }, data, select: { id: true } })
      : await tx.retentionRun.create({ data: { ...data, startedAt: outcome.startedAt }, select: { id: true } });
    await recordAudit(tx, {
      action: "retention.run",
      orgId: null,
      actor,
      target: { type: "retention_run", id: run.id },
      metadata: { trigger: options.trigger, dryRun: outcome.dryRun, status: outcome.status, totals: outcome.totals },
      request: options.request ?? null,
    });
    return run.id;
  });
}

/**
 * One retention run: delete usage records (with their stored texts) past each
 * project's or org's retention and cut audit chains past the audit retention,
 * in short batches, under a lock, within a time budget. Every run, skipped,
 * dry, partial or failed, is recorded in retention_runs and audited.
 */
export async function runRetention(options: RetentionOptions): Promise<RetentionResult> {
  const config = env();
  const now = options.now ?? new Date();
  const scope: Scope = options.orgIds ?? null;
  const dryRun = options.dryRun ?? false;
  const startedAt = new Date();
  const started = performance.now();
  const counts: Counts = new Map();

  if (dryRun) {
    await dryRunCounts(now, scope, counts);
    const outcome = { runId: null, startedAt, status: "completed" as const, dryRun, ...summarise(counts, null, started) };
    return { ...outcome, runId: await record(options, outcome) };
  }

  const lock = await tryRetentionLock();
  if (!lock) {
    const outcome = { runId: null, startedAt, status: "skipped" as const, dryRun, ...summarise(counts, null, started) };
    log.info("retention run skipped: another run holds the lock", { trigger: options.trigger });
    return { ...outcome, runId: await record(options, outcome) };
  }
  try {
    const { id: runId } = await db.retentionRun.create({ data: { trigger: options.trigger, status: "running", startedAt }, select: { id: true } });
    const pacer = new BatchPacer(options.budgetMs ?? config.RETENTION_BUDGET_MS, options.batchSize ?? config.RETENTION_BATCH_SIZE, options.onBatch);
    let status: RetentionStatus;
    try {
      status = (await purge(now, scope, counts, pacer)) ? "completed" : "partial";
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.error("retention run failed", { runId, error: message });
      const failed = { runId, startedAt, status: "failed" as const, dryRun, ...summarise(counts, pacer, started), error: message.slice(0, 500) };
      // The run's own error is the one to report, even when recording it fails too (a database outage).
      await record(options, failed).catch((recordError: unknown) =>
        log.error("retention run could not be recorded", { runId, error: recordError instanceof Error ? recordError.message : String(recordError) }),
      );
      throw error;
    }
    const outcome = { runId, startedAt, status, dryRun, ...summarise(counts, pacer, started) };
    await record(options, outcome);
    log.info("retention run finished", { runId, status, trigger: options.trigger, ...outcome.totals });
    return outcome;
  } finally {
    await lock.release();
  }
}
