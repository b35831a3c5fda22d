import { describe, expect, it } from "vitest";
import { GET as listRoute } from "@/app/api/v1/orgs/[orgId]/audit-logs/route";
import { GET as verifyRoute } from "@/app/api/v1/orgs/[orgId]/audit-logs/verify/route";
import { SYSTEM_ACTOR, type AuditAction } from "@/lib/audit/actions";
import { auditEventsPerDay } from "@/lib/audit/query";
import { recordAudit } from "@/lib/audit/record";
import { encodeCursor } from "@/lib/audit/schemas";
import { db } from "@/lib/db/client";
import type { OrgId } from "@/lib/security/context";
import { makeTenant, sessionCookie, type Tenant } from "../../support/fixtures";
import { callRoute } from "../../support/http";
import { seedAuditEvents } from "./seed";

interface Page {
  data: { seq: string; action: string; actorId: string | null; targetType: string | null; targetId: string | null; createdAt: string; metadata: Record<string, unknown> }[];
  nextCursor: string | null;
}

const ACTIONS: AuditAction[] = ["project.created", "member.invited", "org.updated", "api_key.created"];
const DAY = 86_400_000;
const BASE = Date.UTC(2025, 0, 1);

async function list(tenant: Tenant, query: string, role: "OWNER" | "ADMIN" | "DEVELOPER" | "VIEWER" = "ADMIN", orgId = tenant.org.id) {
  const cookie = await sessionCookie(tenant.members[role].user.id);
  return callRoute(listRoute, "GET", `/api/v1/orgs/${orgId}/audit-logs?${query}`, { cookie, params: { orgId } });
}

/** Every page of a query, newest first, with an optional step between page fetches. */
async function walk(tenant: Tenant, query: string, between?: () => Promise<void>) {
  const seqs: number[] = [];
  let cursor: string | null = null;
  do {
    const res = await list(tenant, `${query}${cursor ? `&cursor=${cursor}` : ""}`);
    expect(res.status, res.text).toBe(200);
    const page = res.json as Page;
    seqs.push(...page.data.map((e) => Number(e.seq)));
    cursor = page.nextCursor;
    if (between) await between();
  } while (cursor);
  return seqs;
}

/** 200 events over 20 days: four actions, five actors, ten targets. */
async function seeded() {
  const tenant = await makeTenant("AuditView");
  const ids = Object.values(tenant.members).map((m) => m.user.id);
  await seedAuditEvents(tenant.org.id, 200, (i) => ({
    action: ACTIONS[i % 4],
    actorType: "USER",
    actorId: ids[i % 4],
    actorLabel: `actor${i % 4}`,
    targetType: i % 2 ? "project" : "user",
    targetId: `t${i % 10}`,
    metadata: { i },
    createdAt: new Date(BASE + Math.floor(i / 10) * DAY + i * 1000),
  }));
  const events = await db.auditLog.findMany({ where: { chain: tenant.org.id }, orderBy: { seq: "desc" } });
  return { tenant, ids, events };
}

describe("the audit log viewer", () => {
  it("filters by action, actor, target and dates, each alone and together, across pages", async () => {
    const { tenant, ids, events } = await seeded();
    const cases: [string, (e: (typeof events)[number]) => boolean][] = [
      ["", () => true],
      ["action=member.invited", (e) => e.action === "member.invited"],
      ["action=member.invited,org.updated", (e) => e.action === "member.invited" || e.action === "org.updated"],
      [`actorId=${ids[1]}`, (e) => e.actorId === ids[1]],
      [`actorEmail=${encodeURIComponent(tenant.members.ADMIN.user.email.toUpperCase())}`, (e) => e.actorId === tenant.members.ADMIN.user.id],
      ["targetId=t3", (e) => e.targetId === "t3"],
      ["targetId=t3&targetType=project", (e) => e.targetId === "t3" && e.targetType === "project"],
      ["targetId=t4&targetType=project", () => false],
      ["from=2025-01-05&to=2025-01-07", (e) => e.createdAt >= new Date(BASE + 4 * DAY) && e.createdAt < new Date(BASE + 7 * DAY)],
      ["from=2025-01-05T00:00:30Z&to=2025-01-05T00:01:00.000Z", (e) => e.createdAt.getTime() >= BASE + 4 * DAY + 30_000 && e.createdAt.getTime() < BASE + 4 * DAY + 60_000],
      ["action=project.created,api_key.created&from=2025-01-03&to=2025-01-12", (e) => ["project.created", "api_key.created"].includes(e.action) && e.createdAt >= new Date(BASE + 2 * DAY) && e.createdAt < new Date(BASE + 12 * DAY)],
      [`action=org.updated&actorId=${ids[2]}`, (e) => e.action === "org.updated" && e.actorId === ids[2]],
      ["actorEmail=nobody%40example.test", () => false],
    ];
    for (const [query, keep] of cases) {
      const want = events.filter(keep).map((e) => Number(e.seq));
      expect(await walk(tenant, `${query}&limit=7`), query).toEqual(want);
    }
  });

  it("answers a page with every field, newest first, and a cursor only while more remain", async () => {
    const { tenant, events } = await seeded();
    const first = (await list(tenant, "limit=100")).json as Page;
    expect(first.data).toHaveLength(100);
    expect(first.data[0]).toMatchObject({ seq: "200", action: events[0]!.action, metadata: { i: 199 }, createdAt: events[0]!.createdAt.toISOString() });
    const second = (await list(tenant, `limit=100&cursor=${first.nextCursor}`)).json as Page;
    expect(second.data.map((e) => e.seq)).toEqual(events.slice(100).map((e) => e.seq.toString()));
    expect(second.nextCursor).toBeNull();
    expect(((await list(tenant, "")).json as Page).data).toHaveLength(50);
  });

  it("pages stably while events are written between and during page fetches", async () => {
    const { tenant, events } = await seeded();
    const write = (n: number) =>
      Promise.all(
        Array.from({ length: n }, () =>
          db.$transaction((tx) => recordAudit(tx, { action: "member.invited", orgId: tenant.org.id, actor: SYSTEM_ACTOR("writer") })),
        ),
      );
    const concurrent: Promise<unknown>[] = [];
    const seqs = await walk(tenant, "limit=13", async () => {
      await write(3);
      concurrent.push(write(2));
    });
    await Promise.all(concurrent);
    expect(new Set(seqs).size, "no event twice").toBe(seqs.length);
    expect(seqs.every((seq, i) => i === 0 || seq < seqs[i - 1]!), "strictly newest first").toBe(true);
    expect(seqs, "every event that existed at the start").toEqual(events.map((e) => Number(e.seq)));

    const before = await db.auditLog.findMany({ where: { chain: tenant.org.id, action: { in: ["member.invited", "org.updated"] } }, orderBy: { seq: "desc" } });
    const filtered = await walk(tenant, "action=member.invited,org.updated&limit=9", () => write(2).then(() => {}));
    expect(new Set(filtered).size).toBe(filtered.length);
    expect(filtered).toEqual(before.map((e) => Number(e.seq)));
  });

  it("refuses malformed queries with 422 and field issues", async () => {
    const tenant = await makeTenant("AuditBad");
    for (const [query, path] of [
      ["action=org.exploded", "action"],
      ["limit=101", "limit"],
      ["cursor=nope!", "cursor"],
      [`cursor=${encodeCursor(0n)}`, "cursor"],
      ["targetType=project", "targetType"],
      ["from=yesterday", "from"],
      ["from=2025-02-01&to=2025-01-01", "to"],
      ["actorEmail=not-an-email", "actorEmail"],
    ] as const) {
      const res = await list(tenant, query);
      expect(res.status, query).toBe(422);
      const paths = (res.json as { error: { issues: { path: string }[] } }).error.issues.map((i) => i.path.split(".")[0]);
      expect(paths, query).toContain(path);
    }
  });

  it("is for OWNER and ADMIN only; another org's log is not found", async () => {
    const [own, other] = [await makeTenant("AuditOwn"), await makeTenant("AuditOther")];
    for (const role of ["DEVELOPER", "VIEWER"] as const) {
      expect((await list(own, "", role)).status).toBe(403);
      const cookie = await sessionCookie(own.members[role].user.id);
      expect((await callRoute(verifyRoute, "GET", "/", { cookie, params: { orgId: own.org.id } })).status).toBe(403);
    }
    expect((await list(own, "", "OWNER")).status).toBe(200);
    expect((await list(own, "", "OWNER", other.org.id)).status).toBe(404);
  });

  it("reports an intact chain, and where a tampered one breaks", async () => {
    const tenant = await makeTenant("AuditVerify");
    await seedAuditEvents(tenant.org.id, 30);
    const cookie = await sessionCookie(tenant.members.ADMIN.user.id);
    const verify = () => callRoute(verifyRoute, "GET", "/", { cookie, params: { orgId: tenant.org.id } });
    expect((await verify()).json).toMatchObject({ ok: true, events: 30, lastSeq: "30" });
    await db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("ALTER TABLE audit_logs DISABLE TRIGGER USER");
      await tx.$executeRaw`UPDATE audit_logs SET action = 'org.deleted' WHERE chain = ${tenant.org.id} AND seq = 17`;
      await tx.$executeRawUnsafe("ALTER TABLE audit_logs ENABLE TRIGGER USER");
    });
    expect((await verify()).json).toMatchObject({ ok: false, brokenAtSeq: "17", reason: "hash_mismatch", events: 16 });
  });

  it("counts events per UTC day over the range, with the filters, zeros included", async () => {
    const { tenant } = await seeded();
    const orgId = tenant.org.id as OrgId;
    const range = { from: new Date(BASE + 18 * DAY), to: new Date(BASE + 22 * DAY) };
    expect((await auditEventsPerDay(orgId, range)).days).toEqual([
      { day: "2025-01-19", events: 10 },
      { day: "2025-01-20", events: 10 },
      { day: "2025-01-21", events: 0 },
      { day: "2025-01-22", events: 0 },
    ]);
    const twoActions = await auditEventsPerDay(orgId, { ...range, action: ["project.created", "org.updated"] });
    expect(twoActions.days.map((d) => d.events)).toEqual([5, 5, 0, 0]);
    const long = await auditEventsPerDay(orgId, { from: new Date(BASE - 900 * DAY), to: new Date(BASE + 30 * DAY) });
    expect(long).toMatchObject({ clipped: true });
    expect(long.days).toHaveLength(366);
    expect(long.days.reduce((sum, d) => sum + d.events, 0)).toBe(200);
    const lastMonth = await auditEventsPerDay(orgId, {}, new Date(BASE + 10 * DAY + 5000));
    expect(lastMonth.days).toHaveLength(30);
    expect(lastMonth.days.at(-1)).toEqual({ day: "2025-01-11", events: 10 });
  });
});
