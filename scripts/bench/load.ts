// Load and timing for the gateway benchmark: autocannon runs for throughput
// and latency under load, a sequential keep-alive client timed with
// process.hrtime.bigint() for the latency the gateway adds, and the server's
// process counters.
import autocannon from "autocannon";
import { Pool } from "undici";

export interface Target {
  origin: string;
  path: string;
  /** Headers for one connection (autocannon) or one round (sequential client). */
  headers: (index: number) => Record<string, string>;
  body: string;
}

export interface LoadResult {
  /** Successful (2xx) responses per second. */
  rps: number;
  seconds: number;
  p50: number;
  p99: number;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
}

/**
 * One autocannon run of `amount` requests over `connections` keep-alive
 * connections; connection i sends `headers(i)`. A count rather than a
 * duration: every request sent is answered before the run ends, so none is
 * cut off half-way (which would leave the server with work nobody counted).
 */
export async function loadRun(target: Target, connections: number, amount: number): Promise<LoadResult> {
  let next = 0;
  const started = process.hrtime.bigint();
  const result = await autocannon({
    url: `${target.origin}${target.path}`,
    method: "POST",
    connections,
    amount: Math.max(connections, Math.round(amount)),
    // autocannon ends a run on its sampling tick: every 10 ms rather than every second.
    sampleInt: 10,
    body: target.body,
    headers: target.headers(0),
    setupClient: (client) => client.setHeaders(target.headers(next++)),
  });
  // Timed here: autocannon's own duration is rounded to 10 ms.
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, (stat as { count: number }).count]));
  return {
    rps: result["2xx"] / seconds,
    seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

export interface Sent {
  status: number;
  ms: number;
}

/** One request on a kept-alive connection, timed from sending to the last byte of the body. */
export async function send(pool: Pool, target: Target, index: number): Promise<Sent> {
  const started = process.hrtime.bigint();
  const res = await pool.request({ path: target.path, method: "POST", headers: target.headers(index), body: target.body });
  await res.body.arrayBuffer();
  return { status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

/** `count` sequential requests of round `round`; every answer must be 200. */
export async function timedRound(pool: Pool, target: Target, round: number, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const { status, ms } = await send(pool, target, round);
    if (status !== 200) throw new Error(`${target.path} answered ${status} in a timed round`);
    times.push(ms);
  }
  return times;
}

/** A client holding one keep-alive connection to `origin`. */
export function sequentialClient(origin: string): Pool {
  return new Pool(origin, { connections: 1, pipelining: 1 });
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const median = (values: readonly number[]) => percentile(values, 50);

export type Metrics = Record<
  "dbQueries" | "redisRoundTrips" | "gatewayRequests" | "apiKeyCacheHits" | "apiKeyCacheMisses" | "vaultCacheHits" | "vaultCacheMisses" | "usageRecordsWritten" | "usageRecordsDropped",
  number
>;

/** The server's process counters, from the operator metrics route. */
export async function readMetrics(baseUrl: string, cronSecret: string): Promise<Metrics> {
  const res = await fetch(`${baseUrl}/api/internal/metrics`, { headers: { authorization: `Bearer ${cronSecret}` } });
  if (!res.ok) throw new Error(`metrics route answered ${res.status}`);
  return (await res.json()) as Metrics;
}

export function delta(after: Metrics, before: Metrics): Metrics {
  return Object.fromEntries(Object.entries(after).map(([name, value]) => [name, value - before[name as keyof Metrics]])) as Metrics;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
