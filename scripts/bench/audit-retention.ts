// The audit benchmark's retention phase: the retention job run in this process
// (runRetention, as the cron route runs it) over the expired usage records,
// while a writer inserts usage records one row per statement, each insert
// timed; the same writer alone first, for the same kind of window, is the
// baseline its p99 is compared with.
import { randomUUID } from "node:crypto";
import pg from "pg";
import type { BatchInfo } from "../../lib/retention/batches";
import { runRetention } from "../../lib/retention/run";
import type { UsageSeed } from "./audit-seed";
import { percentile, sleep } from "./load";

export interface WriterStats {
  inserts: number;
  seconds: number;
  p50: number;
  p99: number;
  max: number;
}

const INSERT = `INSERT INTO usage_records (id, org_id, project_id, api_key_id, provider, model, endpoint, stream, status, latency_ms,
  prompt_tokens, completion_tokens, total_tokens, request_id) VALUES ($1, $2, $3, $4, 'openai', 'gpt-4o-mini', '/v1/chat/completions', false, 200, 420, 120, 80, 200, $5)`;

/**
 * Single-row INSERTs on a connection of its own, each a transaction of its
 * own (synchronous commit, as the server runs), one every `intervalMs` (or at
 * once when the previous one took longer), until `stop()` says so.
 */
async function runWriter(databaseUrl: string, writer: UsageSeed["writer"], intervalMs: number, stop: () => boolean): Promise<WriterStats> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const latencies: number[] = [];
  const started = performance.now();
  try {
    while (!stop()) {
      const sent = performance.now();
      await client.query({ name: "bench-usage-insert", text: INSERT, values: [randomUUID(), writer.orgId, writer.projectId, writer.keyId, `req_${randomUUID()}`] });
      const ms = performance.now() - sent;
      latencies.push(ms);
      if (ms < intervalMs) await sleep(intervalMs - ms);
    }
  } finally {
    await client.end();
  }
  return { inserts: latencies.length, seconds: (performance.now() - started) / 1000, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies) };
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
  const until = (ms: number) => {
    const end = performance.now() + ms;
    return () => performance.now() >= end;
  };
  await runWriter(databaseUrl, usage.writer, intervalMs, until(2_000));
  log(`writer alone for ${writerSeconds} s`);
  const alone = await runWriter(databaseUrl, usage.writer, intervalMs, until(writerSeconds * 1000));
  log(`retention over ${usage.expired} expired usage records, writer running`);
  let done = false;
  const writing = runWriter(databaseUrl, usage.writer, intervalMs, () => done);
  await sleep(200); // connected and writing before the run starts
  const batches: BatchInfo[] = [];
  let result: Awaited<ReturnType<typeof runRetention>>;
  try {
    result = await runRetention({ trigger: "manual", orgIds: usage.orgIds, budgetMs: 15 * 60_000, onBatch: (batch) => void batches.push(batch) });
  } finally {
    done = true;
  }
  const during = await writing;

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
    batchTimeShare: ms.reduce((a, b) => a + b, 0) / result.totals.durationMs,
    left: rows[0]!,
    writer: { alone, duringRetention: during, p99Ratio: during.p99 / alone.p99, intervalMs },
  };
}
