// The gateway benchmark's figures, the targets they are held to, and the
// table printed at the end of a run.
import type { LoadResult } from "./load";
import type { RoundStats, Settings } from "./phases";

export interface LoadFigures {
  runs: LoadResult[];
  rps: number;
  p50: number;
  p99: number;
}

export interface Figures {
  /** `loadAverage`: the machine's 1-minute load average before and after measuring (other work skews every figure). */
  settings: Settings & { keysPerRun: number; built: boolean; loadAverage: [number, number] };
  /** (a) and (b) under load. */
  gateway: LoadFigures;
  /** (v): the gateway on vaulted keys. */
  vaulted: LoadFigures;
  passthrough: LoadFigures;
  /** (a), (b), (c) one request at a time: medians of per-round p50 and p99. */
  sequential: { a: RoundStats; b: RoundStats; c: RoundStats; rounds: Record<"a" | "b" | "c", RoundStats>[]; redisRoundTripsPerRequest: number };
  /** Server counters over the (a) and (v) runs. */
  counters: { gatewayRequests: number; dbQueries: number; redisRoundTrips: number; keyLoads: number; vaultLoads: number; queriesPerKeyLoad: number };
  blocked: { requests: number; redisRoundTrips: number; dbQueries: number; statuses: Record<string, number> };
  /** Gateway requests the bench saw admitted (200) against usage rows after shutdown. */
  usage: { admitted: number; stored: number; gatewayRequests: number; refused: number; writtenBeforeShutdown: number; dropped: number; serverExit: number | null };
  stream?: { gateway: LoadResult; passthrough: LoadResult };
}

export interface Summary {
  throughputRatio: number;
  vaultedThroughputRatio: number;
  p99Ratio: number;
  addedP50Ms: number;
  addedP99Ms: number;
  dbQueriesPer1000: number;
  redisRoundTripsPerRequest: number;
  redisRoundTripsPerRequestSequential: number;
  blockedRedisRoundTripsPerRequest: number;
  usageRecordsLost: number;
}

export function summarise(f: Figures): Summary {
  const perRequest = (n: number) => (f.counters.gatewayRequests > 0 ? n / f.counters.gatewayRequests : Number.NaN);
  return {
    throughputRatio: f.gateway.rps / f.passthrough.rps,
    vaultedThroughputRatio: f.vaulted.rps / f.passthrough.rps,
    p99Ratio: f.gateway.p99 / f.passthrough.p99,
    addedP50Ms: f.sequential.a.p50 - f.sequential.c.p50,
    addedP99Ms: f.sequential.a.p99 - f.sequential.c.p99,
    dbQueriesPer1000: perRequest(f.counters.dbQueries) * 1000,
    redisRoundTripsPerRequest: perRequest(f.counters.redisRoundTrips),
    redisRoundTripsPerRequestSequential: f.sequential.redisRoundTripsPerRequest,
    blockedRedisRoundTripsPerRequest: f.blocked.requests > 0 ? f.blocked.redisRoundTrips / f.blocked.requests : Number.NaN,
    usageRecordsLost: f.usage.admitted - f.usage.stored,
  };
}

/** Each target: its text and whether a figure meets it. Pass/fail marks only; the exit code does not depend on them. */
export const TARGETS: Record<keyof Summary, { text: string; met: (value: number) => boolean }> = {
  throughputRatio: { text: "≥ 0.9", met: (v) => v >= 0.9 },
  vaultedThroughputRatio: { text: "≥ 0.9", met: (v) => v >= 0.9 },
  p99Ratio: { text: "≤ 1.2", met: (v) => v <= 1.2 },
  addedP50Ms: { text: "≤ 1.0 ms", met: (v) => v <= 1.0 },
  addedP99Ms: { text: "≤ 3 ms", met: (v) => v <= 3 },
  dbQueriesPer1000: { text: "≤ 1", met: (v) => v <= 1 },
  // Under load, checks of concurrent requests issued in the same tick share a pipeline: at most one each.
  redisRoundTripsPerRequest: { text: "≤ 1", met: (v) => v <= 1 },
  redisRoundTripsPerRequestSequential: { text: "= 1", met: (v) => v === 1 },
  blockedRedisRoundTripsPerRequest: { text: "= 0", met: (v) => v === 0 },
  usageRecordsLost: { text: "= 0", met: (v) => v === 0 },
};

const fixed = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");

function mark(name: keyof Summary, value: number): string {
  return `${TARGETS[name].text.padEnd(9)} ${TARGETS[name].met(value) ? "pass" : "FAIL"}`;
}

function line(cells: string[], widths: number[]): string {
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ").trimEnd();
}

export function table(f: Figures, s: Summary): string {
  const { settings: set } = f;
  const w = [36, 12, 16, 9, 0];
  const out: string[] = [];
  out.push(`Machine load average (1 min) before / after measuring: ${fixed(set.loadAverage[0])} / ${fixed(set.loadAverage[1])}`);
  out.push(`Load: ${set.connections} connections, ${set.runs} interleaved runs of about ${set.seconds} s each, medians of runs`);
  out.push("  (b) passes through proxy.ts, whose matcher leaves out only /api/v1/; (a) does not: the baseline pays for the proxy");
  out.push(line(["", "gateway (a)", "passthrough (b)", "a / b", "  target"], w));
  out.push(line(["throughput (req/s)", fixed(f.gateway.rps, 0), fixed(f.passthrough.rps, 0), fixed(s.throughputRatio), `  ${mark("throughputRatio", s.throughputRatio)}`], w));
  out.push(line(["vaulted (v) throughput (req/s)", fixed(f.vaulted.rps, 0), fixed(f.passthrough.rps, 0), fixed(s.vaultedThroughputRatio), `  ${mark("vaultedThroughputRatio", s.vaultedThroughputRatio)}`], w));
  out.push(`  the vault's own cost, vaulted (v) / caller's key (a): ${fixed(f.vaulted.rps / f.gateway.rps)} throughput, p99 ${fixed(f.vaulted.p99)} vs ${fixed(f.gateway.p99)} ms`);
  out.push(line(["latency p50 (ms)", fixed(f.gateway.p50), fixed(f.passthrough.p50), fixed(f.gateway.p50 / f.passthrough.p50)], w));
  out.push(line(["latency p99 (ms)", fixed(f.gateway.p99), fixed(f.passthrough.p99), fixed(s.p99Ratio), `  ${mark("p99Ratio", s.p99Ratio)}`], w));
  for (const [name, load] of [["a", f.gateway], ["v", f.vaulted], ["b", f.passthrough]] as const) {
    out.push(`  runs ${name}: ${load.runs.map((r) => `${fixed(r.rps, 0)} req/s p50 ${fixed(r.p50)} p99 ${fixed(r.p99)}${otherStatuses(r)}`).join(" | ")}`);
  }
  out.push("");
  out.push(`Added latency: one request at a time on a kept-alive connection, ${set.rounds} rounds of ${set.roundSize} each, order rotating; medians of per-round figures`);
  const q = f.sequential;
  out.push(line(["", "gateway (a)", "passthrough (b)", "a − c", "  target"], w));
  out.push(line(["p50 (ms)", fixed(q.a.p50, 3), fixed(q.b.p50, 3), fixed(s.addedP50Ms, 3), `  ${mark("addedP50Ms", s.addedP50Ms)}`], w));
  out.push(line(["p99 (ms)", fixed(q.a.p99, 3), fixed(q.b.p99, 3), fixed(s.addedP99Ms, 3), `  ${mark("addedP99Ms", s.addedP99Ms)}`], w));
  out.push(`  direct (c): p50 ${fixed(q.c.p50, 3)} ms, p99 ${fixed(q.c.p99, 3)} ms; the app's own route (b − c): p50 ${fixed(q.b.p50 - q.c.p50, 3)} ms; the gateway's pipeline (a − b): p50 ${fixed(q.a.p50 - q.b.p50, 3)} ms, p99 ${fixed(q.a.p99 - q.b.p99, 3)} ms`);
  out.push("");
  const c = f.counters;
  const keyLoadShare = (c.keyLoads * c.queriesPerKeyLoad * 1000) / c.gatewayRequests;
  out.push(`Cost per gateway request, over the (a) and (v) runs: ${c.gatewayRequests} requests, ${set.keysPerRun} keys (one org each) per run, ${c.vaultLoads} vault loads`);
  out.push(line(["DB queries per 1,000 requests", fixed(s.dbQueriesPer1000, 3), "", "", `  ${mark("dbQueriesPer1000", s.dbQueriesPer1000)}`], w));
  out.push(`  of which key-cache loads: ${c.keyLoads} loads × ${fixed(c.queriesPerKeyLoad, 0)} queries = ${fixed(keyLoadShare, 3)} per 1,000; the rest (vault loads, usage batches, last-used) ${fixed(s.dbQueriesPer1000 - keyLoadShare, 3)}`);
  out.push(line(["Redis round trips per request, load", fixed(s.redisRoundTripsPerRequest, 4), "", "", `  ${mark("redisRoundTripsPerRequest", s.redisRoundTripsPerRequest)}`], w));
  out.push(line(["  one request at a time", fixed(s.redisRoundTripsPerRequestSequential, 4), "", "", `  ${mark("redisRoundTripsPerRequestSequential", s.redisRoundTripsPerRequestSequential)}`], w));
  out.push(line(["blocked caller: Redis trips/request", fixed(s.blockedRedisRoundTripsPerRequest, 4), "", "", `  ${mark("blockedRedisRoundTripsPerRequest", s.blockedRedisRoundTripsPerRequest)}`], w));
  out.push(`  ${f.blocked.requests} requests after the block (${statusList(f.blocked.statuses)}), ${f.blocked.dbQueries} DB queries`);
  out.push("");
  const u = f.usage;
  out.push(line(["usage records lost at shutdown", String(s.usageRecordsLost), "", "", `  ${mark("usageRecordsLost", s.usageRecordsLost)}`], w));
  out.push(`  ${u.admitted} admitted (answered 200), ${u.stored} stored: ${u.writtenBeforeShutdown} written before SIGTERM, ${u.dropped} dropped; server exit ${u.serverExit}`);
  out.push(`  the server counted ${u.gatewayRequests} gateway requests; the bench sent ${u.admitted} admitted + ${u.refused} refused = ${u.admitted + u.refused}`);
  if (f.stream) {
    out.push("");
    out.push("Streaming (one run each, not held to targets)");
    out.push(line(["", "gateway (a)", "passthrough (b)", "a / b"], w));
    out.push(line(["throughput (req/s)", fixed(f.stream.gateway.rps, 0), fixed(f.stream.passthrough.rps, 0), fixed(f.stream.gateway.rps / f.stream.passthrough.rps)], w));
    out.push(line(["latency p99 (ms)", fixed(f.stream.gateway.p99), fixed(f.stream.passthrough.p99), fixed(f.stream.gateway.p99 / f.stream.passthrough.p99)], w));
  }
  return out.join("\n");
}

function statusList(statuses: Record<string, number>): string {
  return Object.entries(statuses).map(([code, n]) => `${n} × ${code}`).join(", ") || "none";
}

function otherStatuses(result: LoadResult): string {
  const other = Object.entries(result.statuses).filter(([code]) => code !== "200");
  const problems = [...other.map(([code, n]) => `${n} × ${code}`), ...(result.errors ? [`${result.errors} errors`] : []), ...(result.timeouts ? [`${result.timeouts} timeouts`] : [])];
  return problems.length ? ` (${problems.join(", ")})` : "";
}
