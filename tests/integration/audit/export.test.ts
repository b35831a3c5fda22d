import { parse } from "csv-parse/sync";
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { GET as exportRoute } from "@/app/api/v1/orgs/[orgId]/audit-logs/export/route";
import type { AuditAction } from "@/lib/audit/actions";
import { verifyAuditChain } from "@/lib/audit/verify";
import { db } from "@/lib/db/client";
import { log } from "@/lib/log";
import { makeTenant, sessionCookie, type Tenant } from "../../support/fixtures";
import { callRoute, ORIGIN } from "../../support/http";
import { seedAuditEvents } from "./seed";

type Row = Awaited<ReturnType<typeof db.auditLog.findMany>>[number];

const ACTIONS: AuditAction[] = ["project.created", "member.invited", "api_key.rotated"];
/** Awkward values: formula starts, separators, quotes, line breaks, non-ASCII. */
const LABELS = ["=cmd|' /C calc'!A0", "+1 555", "-2", "@SUM(A1:A9)", "\tindented", "\rreturn", "a,b", 'say "hi"', "two\nlines", "crlf\r\nx", "Zoë 東京 🚀", ""];
const BASE = Date.UTC(2025, 2, 1);

const neutral = (v: string | null) => (v === null ? "" : /^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
const csvOf = (e: Row) => [
  e.seq.toString(), e.id, e.createdAt.toISOString(), e.action, e.actorType, e.actorId, e.actorLabel, e.targetType, e.targetId,
  e.orgId, e.projectId, e.ip, e.userAgent, e.requestId, null, e.prevHash, e.hash,
].map(neutral);

let tenant: Tenant;
let events: Row[];

async function download(query: string, role: "OWNER" | "ADMIN" | "DEVELOPER" | "VIEWER" = "ADMIN", orgId = tenant.org.id) {
  const cookie = await sessionCookie(tenant.members[role].user.id);
  return callRoute(exportRoute, "GET", `/api/v1/orgs/${orgId}/audit-logs/export?${query}`, { cookie, params: { orgId } });
}

beforeAll(async () => {
  tenant = await makeTenant("AuditExport");
  await seedAuditEvents(tenant.org.id, 10_000, (i) => ({
    action: ACTIONS[i % 3],
    actorType: i % 7 ? "USER" : "API_KEY",
    actorId: `actor-${i % 13}`,
    actorLabel: i % 5 ? LABELS[i % LABELS.length] : null,
    targetType: "project",
    targetId: i % 4 ? `-target ${i % 9}` : null,
    projectId: i % 3 ? tenant.project.id : null,
    ip: i % 2 ? "2001:db8::1" : "192.0.2.7",
    userAgent: i % 11 ? 'Mozilla/5.0 "quoted", with commas' : null,
    requestId: `req_${i}`,
    metadata: { i, text: LABELS[(i + 3) % LABELS.length], nested: { list: [1, "=2", null], ok: true } },
    createdAt: new Date(BASE + i * 60_000),
  }));
  events = await db.auditLog.findMany({ where: { chain: tenant.org.id }, orderBy: { seq: "asc" } });
}, 120_000);

describe("the audit log export", () => {
  it("exports 10,000 events as CSV that a CSV parser reads back equal to the database", async () => {
    const res = await download("format=csv");
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(new RegExp(`^attachment; filename="audit-log-${tenant.org.slug}-\\d{8}T\\d{6}Z\\.csv"$`));
    expect(res.headers.get("x-export-estimate")).toBe("10000");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const [header, ...rows] = parse(res.text, { relax_quotes: false, relax_column_count: false }) as string[][];
    expect(header).toEqual(["seq", "id", "created_at", "action", "actor_type", "actor_id", "actor_label", "target_type", "target_id", "org_id", "project_id", "ip", "user_agent", "request_id", "metadata", "prev_hash", "hash"]);
    expect(rows).toHaveLength(10_000);
    rows.forEach((row, i) => {
      const want = csvOf(events[i]!);
      expect({ ...row, 14: "" }).toEqual({ ...want });
      expect(JSON.parse(row[14]!)).toEqual(events[i]!.metadata);
    });
    expect(await verifyAuditChain(tenant.org.id)).toMatchObject({ ok: true });
  });

  it("neutralises formula cells and quotes separators", async () => {
    const rows = (parse((await download("format=csv")).text) as string[][]).slice(1);
    expect(rows.length).toBeGreaterThan(10_000);
    const labels = new Set(rows.map((r) => r[6]));
    for (const formula of ["=cmd|' /C calc'!A0", "+1 555", "-2", "@SUM(A1:A9)", "\tindented", "\rreturn"]) {
      expect(labels.has(`'${formula}`), formula).toBe(true);
      expect(labels.has(formula), formula).toBe(false);
    }
    for (const plain of ["a,b", 'say "hi"', "two\nlines", "crlf\r\nx", "Zoë 東京 🚀"]) expect(labels.has(plain), plain).toBe(true);
    const targets = rows.filter((r) => r[7] === "project").map((r) => r[8]!).filter(Boolean);
    expect(targets.length).toBeGreaterThan(1000);
    expect(targets.every((t) => /^'-target \d$/.test(t))).toBe(true);
    const targeted = (parse((await download("format=csv&targetId=-target%201")).text) as string[][]).slice(1);
    expect(targeted.length).toBeGreaterThan(100);
    expect(targeted.every((r) => r[8] === "'-target 1")).toBe(true);
  });

  it("exports JSON Lines that parse back to exactly the database rows", async () => {
    const res = await download("format=jsonl");
    expect(res.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
    const lines = res.text.split("\n");
    expect(lines.pop()).toBe("");
    // Earlier tests' exports were recorded after the seeded events.
    expect(lines.slice(10_000).map((l) => (JSON.parse(l) as { action: string }).action)).toEqual(lines.slice(10_000).map(() => "audit.exported"));
    lines.slice(0, 10_000).forEach((line, i) => {
      const e = events[i]!;
      expect(JSON.parse(line)).toEqual({
        seq: e.seq.toString(), id: e.id, createdAt: e.createdAt.toISOString(), action: e.action, actorType: e.actorType, actorId: e.actorId,
        actorLabel: e.actorLabel, targetType: e.targetType, targetId: e.targetId, orgId: e.orgId, projectId: e.projectId, ip: e.ip,
        userAgent: e.userAgent, requestId: e.requestId, metadata: e.metadata, prevHash: e.prevHash, hash: e.hash,
      });
    });
  });

  it("applies the viewer's filters, with no estimate when one cannot be cheap", async () => {
    const query = "format=jsonl&action=member.invited,api_key.rotated&actorId=actor-3&from=2025-03-02&to=2025-03-04T12:00:00Z";
    const res = await download(query);
    const got = res.text.trim().split("\n").map((l) => (JSON.parse(l) as { seq: string }).seq);
    const want = events
      .filter((e) => ["member.invited", "api_key.rotated"].includes(e.action) && e.actorId === "actor-3")
      .filter((e) => e.createdAt.getTime() >= Date.UTC(2025, 2, 2) && e.createdAt.getTime() < Date.UTC(2025, 2, 4, 12));
    expect(want.length).toBeGreaterThan(10);
    expect(got).toEqual(want.map((e) => e.seq.toString()));
    expect(res.headers.get("x-export-estimate")).toBeNull();
    const dated = await download("from=2025-03-03&to=2025-03-04");
    expect(dated.headers.get("x-export-estimate")).toBe("2880");
    expect(parse(dated.text)).toHaveLength(2881);
  });

  it("records each export, with its format and filters, after the events it covers", async () => {
    const before = await db.auditLog.count({ where: { chain: tenant.org.id, action: "audit.exported" } });
    const res = await download("format=csv&action=project.created&targetId=x", "OWNER");
    expect(parse(res.text)).toHaveLength(1);
    const record = await db.auditLog.findFirstOrThrow({ where: { chain: tenant.org.id, action: "audit.exported" }, orderBy: { seq: "desc" } });
    expect(await db.auditLog.count({ where: { chain: tenant.org.id, action: "audit.exported" } })).toBe(before + 1);
    expect(record).toMatchObject({ actorId: tenant.members.OWNER.user.id, actorType: "USER", targetType: "org", targetId: tenant.org.id, ip: "203.0.113.7" });
    expect(record.metadata).toMatchObject({ format: "csv", filters: { action: ["project.created"], targetId: "x" } });
    const all = (await download("format=jsonl")).text.trim().split("\n").map((l) => JSON.parse(l) as { seq: string; action: string });
    expect(Number(all.at(-1)!.seq)).toBe(Number(record.seq));
    expect(await verifyAuditChain(tenant.org.id)).toMatchObject({ ok: true });
  });

  it("streams: the first bytes arrive before the rest is read, and events written meanwhile stay out", async () => {
    const cookie = await sessionCookie(tenant.members.ADMIN.user.id);
    const req = new NextRequest(new URL(`/api/v1/orgs/${tenant.org.id}/audit-logs/export?format=csv`, ORIGIN), { headers: { cookie, host: "localhost:3000" } });
    const res = await exportRoute(req, { params: Promise.resolve({ orgId: tenant.org.id }) });
    const last = await db.auditLog.findFirstOrThrow({ where: { chain: tenant.org.id }, orderBy: { seq: "desc" } });
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toMatch(/^seq,id,created_at,/);
    await seedAuditEvents(tenant.org.id, 50);
    const chunks = [first.value!];
    for (let part = await reader.read(); !part.done; part = await reader.read()) chunks.push(part.value);
    expect(chunks.length).toBeGreaterThan(5);
    expect(Math.max(...chunks.map((c) => c.byteLength))).toBeLessThan(2_000_000);
    const rows = parse(Buffer.concat(chunks).toString("utf8")) as string[][];
    expect(rows.at(-1)![0]).toBe((last.seq - 1n).toString());
  });

  it("can be cancelled part way", async () => {
    const cookie = await sessionCookie(tenant.members.OWNER.user.id);
    const req = new NextRequest(new URL(`/api/v1/orgs/${tenant.org.id}/audit-logs/export?format=jsonl`, ORIGIN), { headers: { cookie, host: "localhost:3000" } });
    const reader = (await exportRoute(req, { params: Promise.resolve({ orgId: tenant.org.id }) })).body!.getReader();
    const logged = vi.spyOn(log, "error");
    expect((await reader.read()).done).toBe(false);
    await reader.cancel();
    // The batch already being read when the client left is dropped quietly.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(logged).not.toHaveBeenCalled();
    logged.mockRestore();
  });

  it("is for OWNER and ADMIN only; another org's log is not found", async () => {
    for (const role of ["DEVELOPER", "VIEWER"] as const) {
      const res = await download("format=csv", role);
      expect(res.status).toBe(403);
      expect(res.text).not.toContain(events[0]!.hash);
    }
    const other = await makeTenant("AuditElsewhere");
    expect((await download("format=csv", "OWNER", other.org.id)).status).toBe(404);
    expect((await download("format=xml")).status).toBe(422);
  });
});
