// The audit benchmark's concurrent writer, in a process of its own so that
// nothing else's event loop (the retention job's) delays its timings.
// Argument: the WriterConfig as JSON. It writes for 2 s untimed, prints
// `ready`, then times single-row INSERTs until its stdin closes (or
// `seconds` pass) and prints its WriterStats as one JSON line.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { percentile, sleep } from "./load";

export interface WriterConfig {
  databaseUrl: string;
  orgId: string;
  projectId: string;
  keyId: string;
  /** At most one insert every `intervalMs`; at once when the previous one took longer. */
  intervalMs: number;
  seconds?: number;
}

export interface WriterStats {
  inserts: number;
  seconds: number;
  /** WAL written meanwhile, by the writer and anything else on the server (the retention batches), MiB/s. */
  walMbPerSec: number;
  p50: number;
  p99: number;
  max: number;
}

const INSERT = `INSERT INTO usage_records (id, org_id, project_id, api_key_id, provider, model, endpoint, stream, status, latency_ms,
  prompt_tokens, completion_tokens, total_tokens, request_id) VALUES ($1, $2, $3, $4, 'openai', 'gpt-4o-mini', '/v1/chat/completions', false, 200, 420, 120, 80, 200, $5)`;

const config = JSON.parse(process.argv[2]!) as WriterConfig;
const client = new pg.Client({ connectionString: config.databaseUrl });
await client.connect();

/** One insert, its own transaction (synchronous commit, as the server runs); then the rest of the interval. */
async function insert(): Promise<number> {
  const sent = performance.now();
  await client.query({ name: "bench-usage-insert", text: INSERT, values: [randomUUID(), config.orgId, config.projectId, config.keyId, `req_${randomUUID()}`] });
  const ms = performance.now() - sent;
  if (ms < config.intervalMs) await sleep(config.intervalMs - ms);
  return ms;
}

const warmUntil = performance.now() + 2_000;
while (performance.now() < warmUntil) await insert();

let stopped = false;
process.stdin.on("data", () => {});
process.stdin.once("end", () => (stopped = true));
const end = config.seconds ? performance.now() + config.seconds * 1000 : Infinity;
const walBefore = (await client.query<{ lsn: string }>("SELECT pg_current_wal_lsn()::text AS lsn")).rows[0]!.lsn;
process.stdout.write("ready\n");
const started = performance.now();
const latencies: number[] = [];
while (!stopped && performance.now() < end) latencies.push(await insert());
const seconds = (performance.now() - started) / 1000;
const { rows } = await client.query<{ bytes: string }>("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1)::text AS bytes", [walBefore]);
await client.end();
const stats: WriterStats = {
  inserts: latencies.length,
  seconds,
  walMbPerSec: Number(rows[0]!.bytes) / 1024 / 1024 / seconds,
  p50: percentile(latencies, 50),
  p99: percentile(latencies, 99),
  max: Math.max(...latencies),
};
process.stdout.write(`${JSON.stringify(stats)}\n`);
process.exit(0);
