import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportBatchSql } from "@/lib/audit/export";
import { auditPageSql, dateWindowSql, eventsPerDaySql, resolveFilters, type ResolvedFilters } from "@/lib/audit/query";
import type { AuditFilters } from "@/lib/audit/schemas";
import { db, Prisma } from "@/lib/db/client";
import { isPglite } from "@/lib/db/migrate";
import type { OrgId } from "@/lib/security/context";
import { makeOrg } from "../../support/fixtures";

/**
 * Every filter the viewer offers reads `audit_logs` through an index, never a
 * sequential scan: checked on the plans PostgreSQL itself chooses, with enough
 * rows and fresh statistics for its choice to be the one it would make in
 * production. PGlite is skipped: its planner runs without parallel workers
 * and with other defaults, so its plans say nothing about a server's.
 */
const pglite = await isPglite(process.env.DATABASE_URL!);
const EVENTS = 60_000;
const DAY = 86_400_000;
const BASE = Date.UTC(2025, 0, 1);
const ACTIONS = ["auth.sign_in.succeeded", "auth.sign_in.failed", "project.created", "member.invited", "api_key.created", "org.updated", "settings.updated", "member.role_changed"];

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

function* nodes(plan: PlanNode): Generator<PlanNode> {
  yield plan;
  for (const child of plan.Plans ?? []) yield* nodes(child);
}

async function plan(sql: Prisma.Sql): Promise<PlanNode> {
  const [row] = await db.$queryRaw<{ "QUERY PLAN": [{ Plan: PlanNode }] }[]>(Prisma.sql`EXPLAIN (FORMAT JSON) ${sql}`);
  return row!["QUERY PLAN"][0].Plan;
}

const summaries: string[] = [];

if (pglite) console.warn("[tests] audit index plans: skipped on PGlite, whose planner is not PostgreSQL's in production; run with TEST_DATABASE_URL");

describe.skipIf(pglite)("audit queries use indexes (PostgreSQL only: skipped on PGlite)", () => {
  let orgId: OrgId;
  const day = (n: number) => new Date(BASE + n * DAY);

  beforeAll(async () => {
    const [org, other] = [await makeOrg("Indexed"), await makeOrg("Neighbour")];
    orgId = org.id as OrgId;
    // Bulk rows straight in SQL: the plans, not the hashes, are under test here.
    for (const chain of [org.id, other.id]) {
      await db.$executeRaw`
        INSERT INTO audit_logs (id, chain, seq, org_id, action, actor_type, actor_id, actor_label, target_type, target_id, metadata, created_at, prev_hash, hash)
        SELECT gen_random_uuid(), ${chain}, g, ${chain}::uuid, (${ACTIONS}::text[])[1 + g % 8], 'USER', 'user-' || (g % 200), 'user' || (g % 200) || '@example.test',
               'project', 'target-' || (g % 3000), jsonb_build_object('i', g), ${new Date(BASE).toISOString()}::timestamptz + g * interval '10 minutes',
               md5(g::text) || md5(g::text), md5(g::text) || md5(g::text)
          FROM generate_series(1, ${EVENTS}::int) AS g`;
    }
    await db.$executeRawUnsafe("ANALYZE audit_logs");
  }, 120_000);

  afterAll(() => {
    if (summaries.length) console.log(`audit query plans:\n${summaries.join("\n")}`);
  });

  const none: ResolvedFilters = {};
  /** Filters as the viewer resolves them (a date range becomes a seq range too). */
  const resolved = async (filters: AuditFilters) => (await resolveFilters(orgId, filters))!;
  const cases: [string, () => Prisma.Sql | Promise<Prisma.Sql>][] = [
    ["page 1, no filter", () => auditPageSql(orgId, none, { limit: 50 })],
    ["deep page, no filter", () => auditPageSql(orgId, none, { cursor: 30_000n, limit: 50 })],
    ["action", () => auditPageSql(orgId, { action: ["member.invited"] }, { limit: 50 })],
    ["action, deep", () => auditPageSql(orgId, { action: ["member.invited"] }, { cursor: 20_000n, limit: 50 })],
    ["three actions", () => auditPageSql(orgId, { action: ["member.invited", "org.updated", "api_key.created"] }, { cursor: 40_000n, limit: 50 })],
    ["actor", () => auditPageSql(orgId, { actorId: "user-7" }, { limit: 50 })],
    ["target", () => auditPageSql(orgId, { targetId: "target-42" }, { limit: 50 })],
    ["target and type", () => auditPageSql(orgId, { targetId: "target-42", targetType: "project" }, { cursor: 50_000n, limit: 50 })],
    ["date range → seq range", () => dateWindowSql(orgId, { from: day(100), to: day(107) })],
    ["date range", async () => auditPageSql(orgId, await resolved({ from: day(100), to: day(107) }), { limit: 50 })],
    ["date range, from only", async () => auditPageSql(orgId, await resolved({ from: day(100) }), { cursor: 40_000n, limit: 50 })],
    ["action and actor", () => auditPageSql(orgId, { action: ["org.updated"], actorId: "user-13" }, { cursor: 45_000n, limit: 50 })],
    ["action and date range", async () => auditPageSql(orgId, await resolved({ action: ["org.updated"], from: day(200), to: day(230) }), { limit: 50 })],
    ["actor and date range", async () => auditPageSql(orgId, await resolved({ actorId: "user-13", from: day(20), to: day(60) }), { limit: 50 })],
    ["chart, 30 days", () => eventsPerDaySql(orgId, none, { from: day(300), to: day(330) })],
    ["chart, action", () => eventsPerDaySql(orgId, { action: ["member.invited", "org.updated"] }, { from: day(300), to: day(330) })],
    ["chart, actor", () => eventsPerDaySql(orgId, { actorId: "user-9" }, { from: day(100), to: day(400) })],
    ["export batch", () => exportBatchSql(orgId, none, 20_000n, 59_000n)],
    ["export batch, two actions", () => exportBatchSql(orgId, { action: ["member.invited", "org.updated"] }, 20_000n, 59_000n)],
    ["export batch, target", () => exportBatchSql(orgId, { targetId: "target-5" }, 0n, 59_000n)],
  ];

  it.each(cases)("%s", async (name, build) => {
    const root = await plan(await build());
    const all = [...nodes(root)];
    const scans = all.filter((n) => n["Relation Name"] === "audit_logs" || n["Index Name"]?.startsWith("audit_logs"));
    summaries.push(`  ${name}: ${scans.map((n) => `${n["Node Type"]}${n["Index Name"] ? ` (${n["Index Name"]})` : ""}`).join(", ")}`);
    expect(all.filter((n) => n["Node Type"] === "Seq Scan").map((n) => n["Relation Name"]), name).toEqual([]);
    expect(scans.length, name).toBeGreaterThan(0);
    for (const scan of scans) expect(["Index Scan", "Index Only Scan", "Bitmap Index Scan", "Bitmap Heap Scan"], name).toContain(scan["Node Type"]);
  });
});
