// The audit benchmark's figures, the targets they are held to, and the table
// printed at the end of a run.
import type { ExportRun, PlanSummary, Transfer, ViewerFigures } from "./audit-http";
import type { RetentionFigures } from "./audit-retention";

export interface AuditFigures {
  /** `loadAverage`: the machine's 1-minute load average before and after measuring (other work skews every figure). */
  settings: {
    events: number;
    otherEvents: number;
    otherOrgs: number;
    expired: number;
    usageOrgs: number;
    requests: number;
    warmup: number;
    writerSeconds: number;
    built: boolean;
    loadAverage: [number, number];
  };
  seed: { auditSeconds: number; usageSeconds: number; vacuumSeconds: number; chainVerified: string };
  viewer: ViewerFigures;
  /** `smallBatchPlan`: one batch of the date-range export, half-way through it. */
  exports: { small: ExportRun; large: ExportRun; copySmall: Transfer; copyLarge: Transfer; smallBatchPlan: PlanSummary };
  retention: RetentionFigures;
}

export interface Summary {
  viewerFirstP95Ms: number;
  viewerDeepP95Ms: number;
  viewerDeepToFirstRatio: number;
  viewerDbFirstP95Ms: number;
  viewerDbDeepP95Ms: number;
  exportRowsPerSec: number;
  copyRowsPerSec: number;
  exportVsCopyRatio: number;
  exportFirstByteMs: number;
  exportFirstRowMs: number;
  exportPeakRatio1Mto100k: number;
  retentionRowsPerSec: number;
  retentionMaxBatchMs: number;
  retentionWriterP99Ratio: number;
}

export function summarise(f: AuditFigures): Summary {
  const { small, large, copyLarge } = f.exports;
  return {
    viewerFirstP95Ms: f.viewer.route.first.p95,
    viewerDeepP95Ms: f.viewer.route.deep.p95,
    viewerDeepToFirstRatio: f.viewer.route.deep.p95 / f.viewer.route.first.p95,
    viewerDbFirstP95Ms: f.viewer.db.first.p95,
    viewerDbDeepP95Ms: f.viewer.db.deep.p95,
    exportRowsPerSec: large.rowsPerSec,
    copyRowsPerSec: copyLarge.rowsPerSec,
    exportVsCopyRatio: large.rowsPerSec / copyLarge.rowsPerSec,
    exportFirstByteMs: Math.max(small.firstByteMs, large.firstByteMs),
    exportFirstRowMs: Math.max(small.firstRowMs, large.firstRowMs),
    exportPeakRatio1Mto100k: large.peakRssMb / small.peakRssMb,
    retentionRowsPerSec: f.retention.rowsPerSec,
    retentionMaxBatchMs: f.retention.maxBatchMs,
    retentionWriterP99Ratio: f.retention.writer.p99Ratio,
  };
}

type Target = { text: string; met: (value: number) => boolean };

/** Each target: its text and whether a figure meets it. Pass/fail marks only; the exit code does not depend on them. */
export const TARGETS: Partial<Record<keyof Summary, Target>> = {
  viewerFirstP95Ms: { text: "≤ 25 ms", met: (v) => v <= 25 },
  viewerDeepP95Ms: { text: "≤ 25 ms", met: (v) => v <= 25 },
  viewerDeepToFirstRatio: { text: "≤ 1.5", met: (v) => v <= 1.5 },
  exportVsCopyRatio: { text: "≥ 0.25", met: (v) => v >= 0.25 },
  exportFirstByteMs: { text: "≤ 500 ms", met: (v) => v <= 500 },
  exportFirstRowMs: { text: "≤ 500 ms", met: (v) => v <= 500 },
  exportPeakRatio1Mto100k: { text: "≤ 1.2", met: (v) => v <= 1.2 },
  retentionRowsPerSec: { text: "≥ 50,000", met: (v) => v >= 50_000 },
  retentionMaxBatchMs: { text: "≤ 100 ms", met: (v) => v <= 100 },
  retentionWriterP99Ratio: { text: "≤ 1.2", met: (v) => v <= 1.2 },
};

const fixed = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");
const count = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : "n/a");

const verdict = (name: keyof Summary, value: number) => (TARGETS[name]?.met(value) ? "pass" : "FAIL");

function mark(name: keyof Summary, value: number): string {
  const target = TARGETS[name];
  return target ? `${target.text.padEnd(9)} ${verdict(name, value)}` : "";
}

function line(cells: string[], widths: number[]): string {
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ").trimEnd();
}

export function table(f: AuditFigures, s: Summary): string {
  const { settings: set, viewer: v, exports: e, retention: r } = f;
  const w = [31, 14, 14, 11, 0];
  const out: string[] = [];
  out.push(`Machine load average (1 min) before / after measuring: ${fixed(set.loadAverage[0])} / ${fixed(set.loadAverage[1])}`);
  out.push(`Data: ${count(set.events)} audit events in one org, ${count(set.otherEvents)} over ${set.otherOrgs} others, interleaved in time; ${count(set.expired)} expired usage records over ${set.usageOrgs} orgs`);
  out.push(`  seeded in ${fixed(f.seed.auditSeconds, 1)} s (audit, through COPY) + ${fixed(f.seed.usageSeconds, 1)} s (usage), VACUUM ANALYZE ${fixed(f.seed.vacuumSeconds, 1)} s; a small org's chain verifies: ${f.seed.chainVerified}`);
  out.push("");
  out.push(`Viewer: 50 rows, action=${v.filters.action} and one actorId (${count(v.filters.matching)} of the org's events match); ${set.requests} timed requests per page after ${set.warmup} untimed, one at a time`);
  out.push(`  deep page: cursor at seq ${v.cursorSeq}, ${count(v.depth)} of the org's events newer than it`);
  out.push(line(["", "first page", "deep page", "deep/first", "  target"], w));
  out.push(line(["route p50 (ms)", fixed(v.route.first.p50), fixed(v.route.deep.p50), fixed(v.route.deep.p50 / v.route.first.p50)], w));
  out.push(line(["route p95 (ms)", fixed(v.route.first.p95), fixed(v.route.deep.p95), fixed(s.viewerDeepToFirstRatio), `  ${mark("viewerDeepToFirstRatio", s.viewerDeepToFirstRatio)}`], w));
  out.push(line(["  target ≤ 25 ms", verdict("viewerFirstP95Ms", s.viewerFirstP95Ms), verdict("viewerDeepP95Ms", s.viewerDeepP95Ms), ""], w));
  out.push(line(["database p50 (ms)", fixed(v.db.first.p50, 3), fixed(v.db.deep.p50, 3), fixed(v.db.deep.p50 / v.db.first.p50)], w));
  out.push(line(["database p95 (ms)", fixed(v.db.first.p95, 3), fixed(v.db.deep.p95, 3), fixed(v.db.deep.p95 / v.db.first.p95)], w));
  out.push(line(["doorway alone p50 / p95 (ms)", fixed(v.doorway.p50), fixed(v.doorway.p95), ""], w));
  out.push("  (GET /api/v1/orgs/{orgId} in the same rounds: session, user, membership, rate limit and one small query)");
  const plan = (label: string, p: PlanSummary) => `  plan, ${label}: ${p.nodes}; ${fixed(p.executionMs, 3)} ms, ${p.sharedHit} buffers hit, ${p.sharedRead} read`;
  out.push(plan("first", v.plans.first));
  out.push(plan("deep", v.plans.deep));
  out.push("");
  out.push("Export (CSV) through the route, and psql \\copy of the same rows as CSV (psql's start and connection included)");
  out.push(line(["", `${count(e.small.rows)} rows`, `${count(e.large.rows)} rows`, "large/small", "  target"], w));
  out.push(line(["route rows/s", count(e.small.rowsPerSec), count(e.large.rowsPerSec), ""], w));
  out.push(line(["psql \\copy rows/s", count(e.copySmall.rowsPerSec), count(e.copyLarge.rowsPerSec), ""], w));
  out.push(line(["route / \\copy", fixed(e.small.rowsPerSec / e.copySmall.rowsPerSec), fixed(s.exportVsCopyRatio), "", `  ${mark("exportVsCopyRatio", s.exportVsCopyRatio)}`], w));
  out.push(line(["response headers (ms)", fixed(e.small.headersMs, 1), fixed(e.large.headersMs, 1), ""], w));
  out.push(line(["first byte (ms)", fixed(e.small.firstByteMs, 1), fixed(e.large.firstByteMs, 1), "", `  ${mark("exportFirstByteMs", s.exportFirstByteMs)}`], w));
  out.push(line(["first event row (ms)", fixed(e.small.firstRowMs, 1), fixed(e.large.firstRowMs, 1), "", `  ${mark("exportFirstRowMs", s.exportFirstRowMs)}`], w));
  out.push(line(["server RSS before (MiB)", fixed(e.small.rssBeforeMb, 0), fixed(e.large.rssBeforeMb, 0), ""], w));
  out.push(line(["server peak RSS (MiB)", fixed(e.small.peakRssMb, 0), fixed(e.large.peakRssMb, 0), fixed(s.exportPeakRatio1Mto100k), `  ${mark("exportPeakRatio1Mto100k", s.exportPeakRatio1Mto100k)}`], w));
  out.push(`  bytes: route ${count(e.small.bytes)} / ${count(e.large.bytes)}, \\copy ${count(e.copySmall.bytes)} / ${count(e.copyLarge.bytes)}; peak from ${e.large.memorySource} of the next start process`);
  out.push(`  the smaller export is a date range (from, to); the larger, the whole log`);
  out.push(plan("a batch of the date range", e.smallBatchPlan));
  out.push("");
  out.push(`Retention (runRetention in process, ${r.status}): ${count(r.deleted)} usage records deleted in ${fixed(r.seconds, 1)} s, ${r.batches} batches of ${count(r.batchRows.min)}–${count(r.batchRows.max)} rows (median ${count(r.batchRows.p50)})`);
  out.push(line(["rows/s", count(s.retentionRowsPerSec), "", "", `  ${mark("retentionRowsPerSec", s.retentionRowsPerSec)}`], w));
  out.push(line(["longest batch (ms)", fixed(s.retentionMaxBatchMs, 1), "", "", `  ${mark("retentionMaxBatchMs", s.retentionMaxBatchMs)}`], w));
  out.push(`  longest: batch ${r.longestBatch.index} (${count(r.longestBatch.deleted)} rows); ${r.batchesOver100Ms} over 100 ms`);
  out.push(`  batch p50 ${fixed(r.batchMs.p50, 1)} ms, p95 ${fixed(r.batchMs.p95, 1)} ms; deleting took ${fixed(r.batchTimeShare * 100, 0)}% of the run; left: ${r.left.expired} expired, ${count(r.left.kept)} kept`);
  const a = r.writer.alone;
  const d = r.writer.duringRetention;
  out.push(`Writer (a process of its own): single-row INSERTs into usage_records, one every ${r.writer.intervalMs} ms at most`);
  out.push(line(["", "alone", "retention", "ratio", "  target"], w));
  out.push(line(["inserts", count(a.inserts), count(d.inserts), ""], w));
  out.push(line(["p50 (ms)", fixed(a.p50, 3), fixed(d.p50, 3), fixed(d.p50 / a.p50)], w));
  out.push(line(["p99 (ms)", fixed(a.p99, 3), fixed(d.p99, 3), fixed(s.retentionWriterP99Ratio), `  ${mark("retentionWriterP99Ratio", s.retentionWriterP99Ratio)}`], w));
  out.push(line(["max (ms)", fixed(a.max, 1), fixed(d.max, 1), ""], w));
  out.push(line(["WAL written (MiB/s)", fixed(a.walMbPerSec), fixed(d.walMbPerSec), fixed(d.walMbPerSec / a.walMbPerSec)], w));
  return out.join("\n");
}
