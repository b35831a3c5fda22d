// The audit benchmark's viewer and export phases: the viewer's SQL timed at
// the database and its route timed through `next start`, one request at a
// time on a kept-alive connection; exports streamed through the route while
// the server's resident memory is watched, and psql's \copy of the same rows
// as the physical reference.
import { readFileSync, writeFileSync } from "node:fs";
import { encode } from "next-auth/jwt";
import pg from "pg";
import { Pool, request } from "undici";
import { exportBatchSql } from "../../lib/audit/export";
import { auditPageSql, resolveFilters } from "../../lib/audit/query";
import { encodeCursor } from "../../lib/audit/schemas";
import type { OrgId } from "../../lib/security/context";
import type { AuditSeed } from "./audit-seed";
import { psql } from "./audit-seed";
import { percentile } from "./load";

export interface Stats {
  n: number;
  p50: number;
  p95: number;
  max: number;
}

const stats = (ms: number[]): Stats => ({ n: ms.length, p50: percentile(ms, 50), p95: percentile(ms, 95), max: Math.max(...ms) });
const since = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e6;

/** A variable of the server's environment, as it was started (its session secret: the bench mints cookies with it). */
export function serverEnv(pid: number, name: string): string {
  const entry = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").find((e) => e.startsWith(`${name}=`));
  if (!entry) throw new Error(`the server's environment has no ${name}`);
  return entry.slice(name.length + 1);
}

/** A next-auth session cookie per user; on plain http the cookie has no `__Secure-` prefix (lib/security/session.ts). */
export async function sessionCookies(userIds: string[], secret: string): Promise<string[]> {
  return Promise.all(userIds.map(async (sub) => `next-auth.session-token=${await encode({ token: { sub }, secret })}`));
}

export interface HttpContext {
  baseUrl: string;
  databaseUrl: string;
  serverPid: number;
  /** Rotated per request: each user stays far below the management limit (120 a minute). */
  cookies: string[];
}

let sent = 0;
const cookie = (ctx: HttpContext) => ctx.cookies[sent++ % ctx.cookies.length]!;

export interface PlanSummary {
  executionMs: number;
  /** Node types, indexes and rows, outermost first. */
  nodes: string;
  sharedHit: number;
  sharedRead: number;
}

interface PlanNode {
  "Node Type": string;
  "Index Name"?: string;
  "Actual Rows"?: number;
  "Rows Removed by Filter"?: number;
  "Shared Hit Blocks"?: number;
  "Shared Read Blocks"?: number;
  Plans?: PlanNode[];
}

function describe(node: PlanNode): string {
  const removed = node["Rows Removed by Filter"] ? `, ${node["Rows Removed by Filter"]} filtered out` : "";
  const self = `${node["Node Type"]}${node["Index Name"] ? ` on ${node["Index Name"]}` : ""} (${node["Actual Rows"]} rows${removed})`;
  const children = (node.Plans ?? []).map(describe);
  return children.length ? `${self} → ${children.join(", ")}` : self;
}

async function explain(client: pg.Client, sql: { text: string; values: readonly unknown[] }): Promise<PlanSummary> {
  const { rows } = await client.query<{ "QUERY PLAN": [{ Plan: PlanNode; "Execution Time": number }] }>({ text: `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql.text}`, values: [...sql.values] });
  const [top] = rows[0]!["QUERY PLAN"];
  return { executionMs: top["Execution Time"], nodes: describe(top.Plan), sharedHit: top.Plan["Shared Hit Blocks"] ?? 0, sharedRead: top.Plan["Shared Read Blocks"] ?? 0 };
}

export interface ViewerFigures {
  filters: { action: string; actorId: string; matching: number };
  /** The deep page's cursor: `depth` of the org's events are newer than it. */
  depth: number;
  cursorSeq: string;
  db: { first: Stats; deep: Stats };
  route: { first: Stats; deep: Stats };
  /** GET /api/v1/orgs/{orgId} in the same rounds: the same doorway (session, user, membership, rate limit) and one small query. */
  doorway: Stats;
  plans: { first: PlanSummary; deep: PlanSummary };
}

/**
 * The first page and the page `depth` events deep (its cursor computed, not
 * walked to), 50 rows with the two filters: `warmup` untimed then `requests`
 * timed of each, alternating, at the database and through the route, and
 * the org route as the cost of the doorway alone.
 */
export async function viewer(ctx: HttpContext, seed: AuditSeed, depth: number, requests: number, warmup: number): Promise<ViewerFigures> {
  const orgId = seed.orgId as OrgId;
  const filters = { action: [seed.filter.action], actorId: seed.filter.actorId };
  const client = new pg.Client({ connectionString: ctx.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ max: string }>("SELECT max(seq)::text AS max FROM audit_logs WHERE chain = $1", [orgId]);
    const cursor = BigInt(rows[0]!.max) - BigInt(depth) + 1n;
    const sqls = {
      first: auditPageSql(orgId, filters, { limit: 50 }),
      deep: auditPageSql(orgId, filters, { cursor, limit: 50 }),
    };
    const base = `/api/v1/orgs/${orgId}/audit-logs?action=${seed.filter.action}&actorId=${seed.filter.actorId}&limit=50`;
    const paths = { first: base, deep: `${base}&cursor=${encodeCursor(cursor)}` };
    const times = { db: { first: [] as number[], deep: [] as number[] }, route: { first: [] as number[], deep: [] as number[] }, doorway: [] as number[] };

    const atDatabase = async (page: "first" | "deep") => {
      const started = process.hrtime.bigint();
      const result = await client.query({ text: sqls[page].text, values: sqls[page].values as unknown[] });
      if (result.rows.length !== 51) throw new Error(`the ${page} page's query returned ${result.rows.length} rows, not 51`);
      return since(started);
    };
    const pool = new Pool(ctx.baseUrl, { connections: 1, pipelining: 1 });
    const get = async (path: string) => {
      const started = process.hrtime.bigint();
      const res = await pool.request({ path, method: "GET", headers: { cookie: cookie(ctx) } });
      const body = await res.body.text();
      const ms = since(started);
      if (res.statusCode !== 200) throw new Error(`${path} answered ${res.statusCode}: ${body.slice(0, 200)}`);
      return { ms, body };
    };
    const throughRoute = async (page: "first" | "deep") => {
      const { ms, body } = await get(paths[page]);
      const { data } = JSON.parse(body) as { data: { seq: string }[] };
      if (data.length !== 50 || (page === "deep" && BigInt(data[0]!.seq) >= cursor)) throw new Error(`the ${page} page through the route is not 50 rows below its cursor`);
      return ms;
    };
    try {
      for (let i = 0; i < warmup + requests; i++) {
        for (const page of i % 2 ? (["deep", "first"] as const) : (["first", "deep"] as const)) {
          const db = await atDatabase(page);
          const route = await throughRoute(page);
          if (i >= warmup) {
            times.db[page].push(db);
            times.route[page].push(route);
          }
        }
        const { ms } = await get(`/api/v1/orgs/${orgId}`);
        if (i >= warmup) times.doorway.push(ms);
      }
    } finally {
      await pool.close();
    }
    const plans = { first: await explain(client, sqls.first), deep: await explain(client, sqls.deep) };
    return {
      filters: { action: seed.filter.action, actorId: seed.filter.actorId, matching: seed.filter.matching },
      depth,
      cursorSeq: cursor.toString(),
      db: { first: stats(times.db.first), deep: stats(times.db.deep) },
      route: { first: stats(times.route.first), deep: stats(times.route.deep) },
      doorway: stats(times.doorway),
      plans,
    };
  } finally {
    await client.end();
  }
}

/** Resident memory of a process, in MiB, from /proc: sampled every 10 ms, and its high-water mark reset first when the kernel allows. */
function watchMemory(pid: number) {
  const read = () => {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
    return { rss: kb("VmRSS") / 1024, hwm: kb("VmHWM") / 1024 };
  };
  let reset = true;
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
  } catch {
    reset = false;
  }
  const before = read().rss;
  let polled = before;
  const timer = setInterval(() => (polled = Math.max(polled, read().rss)), 10);
  return {
    stop() {
      clearInterval(timer);
      const now = read();
      polled = Math.max(polled, now.rss);
      return { rssBeforeMb: before, peakRssMb: reset ? Math.max(now.hwm, polled) : polled, source: reset ? "VmHWM" : "VmRSS every 10 ms" };
    },
  };
}

/**
 * The plan of one batch of a date-range export, half-way through the range
 * (the batch SQL as lib/audit/export.ts builds it for these filters).
 */
export async function exportBatchPlan(databaseUrl: string, orgId: string, range: { from: Date; to: Date }, after: bigint): Promise<PlanSummary> {
  const resolved = await resolveFilters(orgId as OrgId, range);
  if (!resolved) throw new Error("the export's date range resolved to nothing");
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const [{ max }] = (await client.query<{ max: string }>("SELECT max(seq)::text AS max FROM audit_logs WHERE chain = $1", [orgId])).rows as [{ max: string }];
    return await explain(client, exportBatchSql(orgId as OrgId, resolved, after, BigInt(max)));
  } finally {
    await client.end();
  }
}

export interface Transfer {
  rows: number;
  bytes: number;
  seconds: number;
  rowsPerSec: number;
  /** First byte of the body (for the route, after the response headers). */
  firstByteMs: number;
}

export interface ExportRun extends Transfer {
  headersMs: number;
  /** The first event's line, after the CSV header. */
  firstRowMs: number;
  rssBeforeMb: number;
  peakRssMb: number;
  memorySource: string;
}

/** Counts lines and bytes of a body as it streams, and when its first byte and its `nth` line arrived. */
function counter(started: bigint, nth: number) {
  const state = { bytes: 0, lines: 0, firstByteMs: Number.NaN, nthLineMs: Number.NaN };
  return {
    state,
    add(chunk: Buffer) {
      if (!state.bytes) state.firstByteMs = since(started);
      state.bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) state.lines++;
      if (state.lines >= nth && Number.isNaN(state.nthLineMs)) state.nthLineMs = since(started);
    },
  };
}

/** One CSV export through the route (`query` after `format=csv`), read to its end. */
export async function exportThroughRoute(ctx: HttpContext, orgId: string, query: string): Promise<ExportRun> {
  const memory = watchMemory(ctx.serverPid);
  const started = process.hrtime.bigint();
  const res = await request(`${ctx.baseUrl}/api/v1/orgs/${orgId}/audit-logs/export?format=csv${query}`, { headers: { cookie: cookie(ctx) } });
  const headersMs = since(started);
  if (res.statusCode !== 200) throw new Error(`export answered ${res.statusCode}: ${(await res.body.text()).slice(0, 200)}`);
  const count = counter(started, 2);
  for await (const chunk of res.body) count.add(chunk as Buffer);
  const seconds = since(started) / 1000;
  const { rssBeforeMb, peakRssMb, source } = memory.stop();
  const rows = count.state.lines - 1;
  return { rows, bytes: count.state.bytes, seconds, rowsPerSec: rows / seconds, headersMs, firstByteMs: count.state.firstByteMs, firstRowMs: count.state.nthLineMs, rssBeforeMb, peakRssMb, memorySource: source };
}

/** The export's columns, as text, in its order. */
const COLUMNS = `seq, id::text, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), action, actor_type::text, actor_id, actor_label, target_type, target_id, org_id::text, project_id::text, ip, user_agent, request_id, metadata::text, prev_hash, hash`;

/** psql's \copy of the org's events `lo`…`hi` (by seq) as CSV to its stdout, counted here: psql's start and connection included. */
export async function copyReference(databaseUrl: string, orgId: string, lo: number, hi: number): Promise<Transfer> {
  const started = process.hrtime.bigint();
  const { proc, done } = psql(databaseUrl, `\\copy (SELECT ${COLUMNS} FROM audit_logs WHERE chain = '${orgId}' AND seq BETWEEN ${lo} AND ${hi} ORDER BY seq) TO STDOUT WITH (FORMAT csv)`);
  proc.stdin.end();
  const count = counter(started, 1);
  proc.stdout.on("data", (chunk: Buffer) => count.add(chunk));
  await done;
  const seconds = since(started) / 1000;
  return { rows: count.state.lines, bytes: count.state.bytes, seconds, rowsPerSec: count.state.lines / seconds, firstByteMs: count.state.firstByteMs };
}
