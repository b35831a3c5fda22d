// `npm run bench:audit [-- --json --no-build --events=1000000 --expired=1000000 --requests=200 --writer-seconds=20]`
//
// The audit log at size, in one run against the production build: one org's
// 1,000,000 events (and as many over 99 other orgs, interleaved in time, every
// chain hashed and linked) seeded straight into a fresh database. Then the
// viewer's query (50 rows, an action and an actor) on the first page and on
// the page 500,000 events deep, at the database and through the route; CSV
// exports of 100,000 and of all 1,000,000 of the org's events through the
// route, with the server's peak memory, beside psql's \copy of the same rows;
// and the retention job deleting 1,000,000 expired usage records while a
// writer inserts, against that writer alone. Targets are printed next to the
// figures; the exit code says only whether the run itself worked. Needs psql.
import { randomBytes } from "node:crypto";
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { verifyAuditChain } from "../../lib/audit/verify";
import { db, pgPool } from "../../lib/db/client";
import { copyReference, exportBatchPlan, exportThroughRoute, serverEnv, sessionCookies, viewer, type HttpContext } from "./audit-http";
import { retention } from "./audit-retention";
import { summarise, table, type AuditFigures } from "./audit-report";
import { seedAuditLog, seedUsage } from "./audit-seed";
import { benchDatabase, ensureBuild, startServer, type Server } from "./setup";

const { values: args } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    "no-build": { type: "boolean", default: false },
    events: { type: "string", default: "1000000" },
    expired: { type: "string", default: "1000000" },
    "usage-orgs": { type: "string", default: "10" },
    requests: { type: "string", default: "200" },
    warmup: { type: "string", default: "30" },
    "writer-seconds": { type: "string", default: "20" },
    "writer-interval": { type: "string", default: "2" },
  },
});
const n = (name: keyof typeof args) => {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
};
const settings = {
  events: n("events"),
  expired: n("expired"),
  usageOrgs: n("usage-orgs"),
  requests: n("requests"),
  warmup: n("warmup"),
  writerSeconds: n("writer-seconds"),
  writerInterval: n("writer-interval"),
};
if (settings.events < 20_000) throw new Error("--events must be at least 20000");

const POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres";
const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);

/** VACUUM (ANALYZE) and a checkpoint after bulk loading: autovacuum would otherwise start on the new rows in the middle of a measurement. */
async function settle(url: string, tables: string[]): Promise<number> {
  const started = performance.now();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const name of tables) await client.query(`VACUUM (ANALYZE) ${name}`);
    await client.query("CHECKPOINT");
  } finally {
    await client.end();
  }
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  if (spawnSync("psql", ["--version"]).status !== 0) throw new Error("psql is needed (seeding through COPY, and the \\copy reference)");
  const built = ensureBuild(args["no-build"], progress);
  progress("creating and migrating a fresh database");
  const database = await benchDatabase(POSTGRES);
  // The retention job and the chain check run in this process, on the bench database (lib/env reads this on first use).
  Object.assign(process.env, {
    DATABASE_URL: database.url,
    NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
    CRON_SECRET: randomBytes(24).toString("base64url"),
    MASTER_KEY: randomBytes(32).toString("base64"),
    LOG_LEVEL: "warn",
  });
  let server: Server | undefined;
  try {
    progress(`seeding ${settings.events * 2} audit events (${settings.events} in one org) through COPY`);
    const seed = await seedAuditLog(database, settings.events, 10, progress);
    progress(`seeded in ${seed.seconds.toFixed(1)} s; VACUUM ANALYZE`);
    let vacuumSeconds = await settle(database.url, ["audit_logs"]);
    const [other] = await db.$queryRaw<{ chain: string }[]>`SELECT chain FROM audit_logs WHERE chain <> ${seed.orgId} LIMIT 1`;
    const verdict = await verifyAuditChain(other!.chain);
    if (!verdict.ok) throw new Error(`a seeded chain does not verify: ${JSON.stringify(verdict)}`);

    const loadBefore = loadavg()[0]!;
    server = await startServer(database.url, "http://127.0.0.1:9/v1");
    progress(`next start on ${server.baseUrl} (server log: ${server.logFile})`);
    const ctx: HttpContext = {
      baseUrl: server.baseUrl,
      databaseUrl: database.url,
      serverPid: server.process.pid!,
      cookies: await sessionCookies(seed.owners, serverEnv(server.process.pid!, "NEXTAUTH_SECRET")),
    };
    progress("viewer: first and deep page, at the database and through the route");
    const viewerFigures = await viewer(ctx, seed, Math.floor(settings.events / 2), settings.requests, settings.warmup);

    const small = Math.floor(settings.events / 10);
    const lo = Math.floor((settings.events - small) / 2) + 1;
    const dates = (from: number, count: number) => ({ from: seed.createdAtOf(from), to: seed.createdAtOf(from + count) });
    const range = (from: number, count: number) => `&from=${dates(from, count).from.toISOString()}&to=${dates(from, count).to.toISOString()}`;
    progress("export: warm-up, then 100k and all events through the route, then psql \\copy of each");
    await exportThroughRoute(ctx, seed.orgId, range(1, 10_000));
    const smallRun = await exportThroughRoute(ctx, seed.orgId, range(lo, small));
    const largeRun = await exportThroughRoute(ctx, seed.orgId, "");
    if (smallRun.rows !== small || largeRun.rows < settings.events) throw new Error(`exports returned ${smallRun.rows} and ${largeRun.rows} rows`);
    const copySmall = await copyReference(database.url, seed.orgId, lo, lo + small - 1);
    const copyLarge = await copyReference(database.url, seed.orgId, 1, largeRun.rows);
    const smallBatchPlan = await exportBatchPlan(database.url, seed.orgId, dates(lo, small), BigInt(lo + small / 2));
    await server.stop();
    server = undefined;

    progress(`seeding ${settings.expired} expired usage records over ${settings.usageOrgs} orgs`);
    const usage = await seedUsage(database, settings.expired, settings.usageOrgs);
    vacuumSeconds += await settle(database.url, ["usage_records"]);
    const retentionFigures = await retention(database.url, usage, settings.writerSeconds, settings.writerInterval, progress);

    const figures: AuditFigures = {
      settings: {
        events: seed.events,
        otherEvents: seed.otherEvents,
        otherOrgs: seed.otherOrgs,
        expired: usage.expired,
        usageOrgs: usage.orgIds.length,
        requests: settings.requests,
        warmup: settings.warmup,
        writerSeconds: settings.writerSeconds,
        built,
        loadAverage: [loadBefore, loadavg()[0]!],
      },
      seed: { auditSeconds: seed.seconds, usageSeconds: usage.seconds, vacuumSeconds, chainVerified: `${verdict.events} events, ok` },
      viewer: viewerFigures,
      exports: { small: smallRun, large: largeRun, copySmall, copyLarge, smallBatchPlan },
      retention: retentionFigures,
    };
    const summary = summarise(figures);
    process.stdout.write(`${table(figures, summary)}\n`);
    if (args.json) process.stdout.write(`${JSON.stringify({ ...summary, raw: figures })}\n`);
  } finally {
    await server?.stop();
    await db.$disconnect().catch(() => {});
    await pgPool().end().catch(() => {});
    await database.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`[bench] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
