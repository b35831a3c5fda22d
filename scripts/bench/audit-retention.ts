// The audit benchmark's retention phase: the retention job run in this process
// (runRetention, as the cron route runs it) over the expired usage records,
// while a writer in its own process (audit-writer.ts) inserts usage records
// one row per statement, each insert timed; the same writer alone first is
// the baseline its p99 is compared with.
import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import pg from "pg";
import type { BatchInfo } from "../../lib/retention/batches";
import { runRetention } from "../../lib/retention/run";
import type { UsageSeed } from "./audit-seed";
import type { WriterConfig, WriterStats } from "./audit-writer";
import { percentile } from "./load";

/** The writer process, once it has warmed up: `result` when it ends by itself, `stop` to close its stdin first. */
async function startWriter(config: WriterConfig): Promise<{ result: Promise<WriterStats>; stop(): Promise<WriterStats> }> {
  const proc = spawn(process.execPath, ["--import", "tsx", path.resolve(import.meta.dirname, "audit-writer.ts"), JSON.stringify(config)], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: proc.stdout });
  const next = () =>
    new Promise<string>((resolve, reject) => {
      const exited = (code: number | null) => reject(new Error(`the writer exited with ${code}`));
      proc.once("exit", exited);
      lines.once("line", (line) => {
        proc.off("exit", exited);
        resolve(line);
      });
    });
  if ((await next()) !== "ready") throw new Error("the writer did not start");
  const result = next().then((line) => JSON.parse(line) as WriterStats);
  return {
    result,
    stop() {
      proc.stdin.end();
      return result;
    },
  };
}

export interface RetentionFigures {
  status: string;
  deleted: number;
  /** runRetention's own duration (finding the targets and every batch, its rests included). */
  seconds: number;
  rowsPerSec: number;
  batches: number;
  maxBatchMs: number;
  batchMs: { p50: number; p95: number };
  batchRows: { min: number; p50: number; max: number };
  /** The longest batch (1-based index across the run) and how many took over 100 ms. */
  longestBatch: { index: number; deleted: number; ms: number };
  batchesOver100Ms: number;
  /** The deletions' share of the run: batch time over the whole run. */
  batchTimeShare: number;
  left: { expired: number; kept: number };
  writer: { alone: WriterStats; duringRetention: WriterStats; p99Ratio: number; intervalMs: number };
}

/**
 * The writer alone for `writerSeconds` (after a 2 s warm-up), then the writer
 * again, with retention running from its start until the run ends.
 */
export async function retention(databaseUrl: string, usage: UsageSeed, writerSeconds: number, intervalMs: number, log: (line: string) => void): Promise<RetentionFigures> {
  const config: WriterConfig = { databaseUrl, orgId: usage.writer.orgId, projectId: usage.writer.projectId, keyId: usage.writer.keyId, intervalMs };
  log(`writer alone for ${writerSeconds} s`);
  const alone = await (await startWriter({ ...config, seconds: writerSeconds })).result;
  log(`retention over ${usage.expired} expired usage records, writer running`);
  const writer = await startWriter(config);
  const batches: BatchInfo[] = [];
  const result = await runRetention({ trigger: "manual", orgIds: usage.orgIds, budgetMs: 15 * 60_000, onBatch: (batch) => void batches.push(batch) }).catch(async (error: unknown) => {
    await writer.stop().catch(() => {});
    throw error;
  });
  const during = await writer.stop();

  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query<{ expired: number; kept: number }>(
    `SELECT count(*) FILTER (WHERE created_at < now() - interval '30 days')::int AS expired, count(*) FILTER (WHERE created_at >= now() - interval '30 days')::int AS kept
     FROM usage_records WHERE org_id = ANY($1::uuid[])`,
    [usage.orgIds],
  );
  await client.end();

  const ms = batches.map((b) => b.ms);
  const sizes = batches.map((b) => b.deleted);
  const seconds = result.totals.durationMs / 1000;
  return {
    status: result.status,
    deleted: result.totals.usage,
    seconds,
    rowsPerSec: result.totals.usage / seconds,
    batches: result.totals.batches,
    maxBatchMs: result.totals.maxBatchMs,
    batchMs: { p50: percentile(ms, 50), p95: percentile(ms, 95) },
    batchRows: { min: Math.min(...sizes), p50: percentile(sizes, 50), max: Math.max(...sizes) },
    longestBatch: batches.reduce((a, b) => (b.ms > a.ms ? b : a), { index: 0, deleted: 0, ms: 0 }),
    batchesOver100Ms: ms.filter((t) => t > 100).length,
    batchTimeShare: ms.reduce((a, b) => a + b, 0) / result.totals.durationMs,
    left: rows[0]!,
    writer: { alone, duringRetention: during, p99Ratio: during.p99 / alone.p99, intervalMs },
  };
}
