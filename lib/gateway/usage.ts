import "server-only";
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db/client";
import { log } from "@/lib/log";
import { increment } from "@/lib/metrics";

/**
 * Usage records, written in batches: one INSERT per batch (arrays unnested
 * server-side), so a steady stream of gateway requests costs far less than one
 * query each. A batch goes out when it reaches BATCH_SIZE or FLUSH_MS after its
 * first entry. `recordUsage` returns a promise that settles once the entry is
 * written (or dropped); the gateway hands it to Next's `after()`, and a
 * server shutting down cleanly waits for those, so no record is lost on
 * SIGTERM (on the signal, instrumentation calls `closeUsage`: from then on
 * every entry is written as it arrives).
 * A failed write is retried with the next batch; past MAX_PENDING entries the
 * oldest are dropped and counted.
 * `last_used_at` of a key is written at most once per LAST_USED_EVERY_MS.
 */
const BATCH_SIZE = 5_000;
const FLUSH_MS = 5_000;
const MAX_PENDING = 50_000;
const LAST_USED_EVERY_MS = 60_000;

export interface UsageEntry {
  orgId: string;
  projectId: string;
  apiKeyId: string;
  provider: string;
  model: string;
  endpoint: string;
  stream: boolean;
  status: number;
  errorCode: string | null;
  latencyMs: number;
  promptTokens: number | null;
  completionTokens: number | null;
  totalTokens: number | null;
  requestId: string;
  createdAt: Date;
  /** Present only when the org's settings say to store prompt and/or response text. */
  content?: { prompt: unknown; response: string | null };
}

type Pending = UsageEntry & { id: string; settle: () => void };

interface State {
  pending: Pending[];
  timer: ReturnType<typeof setTimeout> | undefined;
  flushing: Promise<void> | undefined;
  /** Shutting down: write each entry as soon as it arrives. */
  closing: boolean;
  lastUsedWritten: Map<string, number>;
}

const globalForUsage = globalThis as unknown as { gatehouseUsage?: State };

function state(): State {
  globalForUsage.gatehouseUsage ??= { pending: [], timer: undefined, flushing: undefined, closing: false, lastUsedWritten: new Map() };
  return globalForUsage.gatehouseUsage;
}

export function recordUsage(entry: UsageEntry): Promise<void> {
  const s = state();
  let settle!: () => void;
  const written = new Promise<void>((resolve) => (settle = resolve));
  s.pending.push({ ...entry, id: randomUUID(), settle });
  if (s.pending.length > MAX_PENDING) {
    const dropped = s.pending.splice(0, s.pending.length - MAX_PENDING);
    for (const e of dropped) e.settle();
    increment("usageRecordsDropped", dropped.length);
    log.warn("usage records dropped: the database is not keeping up", { dropped: dropped.length });
  }
  if (s.pending.length >= BATCH_SIZE || s.closing) void flushUsage();
  else if (!s.timer) {
    s.timer = setTimeout(() => void flushUsage(), FLUSH_MS);
    s.timer.unref?.();
  }
  return written;
}

async function writeBatch(batch: Pending[]): Promise<void> {
  const col = <K extends keyof UsageEntry>(key: K) => batch.map((e) => e[key]);
  await db.$executeRaw`
    INSERT INTO usage_records (id, org_id, project_id, api_key_id, provider, model, endpoint, stream, status, error_code,
      latency_ms, prompt_tokens, completion_tokens, total_tokens, request_id, created_at)
    SELECT * FROM unnest(${batch.map((e) => e.id)}::uuid[], ${col("orgId")}::uuid[], ${col("projectId")}::uuid[], ${col("apiKeyId")}::uuid[],
      ${col("provider")}::text[], ${col("model")}::text[], ${col("endpoint")}::text[], ${col("stream")}::boolean[], ${col("status")}::int[],
      ${col("errorCode")}::text[], ${col("latencyMs")}::int[], ${col("promptTokens")}::int[], ${col("completionTokens")}::int[],
      ${col("totalTokens")}::int[], ${col("requestId")}::text[], ${batch.map((e) => e.createdAt.toISOString())}::timestamptz[])
    ON CONFLICT (id) DO NOTHING`;
  const stored = batch.filter((e) => e.content);
  if (stored.length > 0) {
    await db.usageContent.createMany({
      data: stored.map((e) => ({
        usageId: e.id,
        orgId: e.orgId,
        prompt: e.content!.prompt === undefined ? undefined : (JSON.parse(JSON.stringify(e.content!.prompt)) as object),
        response: e.content!.response,
        createdAt: e.createdAt,
      })),
      // A retried batch may have been half written: ids make the retry idempotent.
      skipDuplicates: true,
    });
  }
}

async function touchKeys(batch: Pending[], lastUsedWritten: Map<string, number>): Promise<void> {
  const latest = new Map<string, Date>();
  for (const e of batch) {
    const seen = latest.get(e.apiKeyId);
    if (!seen || seen < e.createdAt) latest.set(e.apiKeyId, e.createdAt);
  }
  const now = Date.now();
  const due = [...latest].filter(([id]) => now - (lastUsedWritten.get(id) ?? 0) >= LAST_USED_EVERY_MS);
  if (due.length === 0) return;
  for (const [id] of due) lastUsedWritten.set(id, now);
  if (lastUsedWritten.size > 100_000) lastUsedWritten.clear();
  await db.$executeRaw`
    UPDATE api_keys AS k SET last_used_at = GREATEST(COALESCE(k.last_used_at, u.t), u.t)
    FROM unnest(${due.map(([id]) => id)}::uuid[], ${due.map(([, t]) => t.toISOString())}::timestamptz[]) AS u(id, t)
    WHERE k.id = u.id`;
}

/** Write everything recorded so far. Safe to call at any time; concurrent calls share one write. */
export function flushUsage(): Promise<void> {
  const s = state();
  if (s.timer) {
    clearTimeout(s.timer);
    s.timer = undefined;
  }
  if (s.flushing) return s.flushing.then(() => (s.pending.length > 0 ? flushUsage() : undefined));
  if (s.pending.length === 0) return Promise.resolve();
  const batch = s.pending.splice(0, BATCH_SIZE);
  s.flushing = (async () => {
    try {
      await writeBatch(batch);
      increment("usageRecordsWritten", batch.length);
      for (const e of batch) e.settle();
      await touchKeys(batch, s.lastUsedWritten).catch((error: unknown) =>
        log.warn("last-used times not written", { error: error instanceof Error ? error.message : String(error) }),
      );
    } catch (error) {
      s.pending.unshift(...batch);
      log.warn("usage batch not written; will retry", { entries: batch.length, error: error instanceof Error ? error.message : String(error) });
    } finally {
      s.flushing = undefined;
    }
    if (s.pending.length >= BATCH_SIZE) await flushUsage();
    else if (s.pending.length > 0 && !s.timer) {
      s.timer = setTimeout(() => void flushUsage(), FLUSH_MS);
      s.timer.unref?.();
    }
  })();
  return s.flushing;
}

/** The server is stopping: write what is pending now, and every later entry as it arrives. */
export function closeUsage(): Promise<void> {
  state().closing = true;
  return flushUsage();
}

/** Entries recorded but not yet written (tests, shutdown diagnostics). */
export function pendingUsage(): number {
  return state().pending.length;
}
