import { describe, expect, it } from "vitest";
import { GET, PATCH } from "@/app/api/v1/orgs/[orgId]/settings/route";
import { db } from "@/lib/db/client";
import type { Role } from "@/lib/security/permissions";
import { makeTenant, sessionCookie, type Tenant } from "../../support/fixtures";
import { callRoute } from "../../support/http";

type Issues = { error: { code: string; issues: { path: string; message: string }[] } };

async function patch(t: Tenant, body: unknown, role: Role = "ADMIN") {
  return callRoute(PATCH, "PATCH", "/x", { cookie: await sessionCookie(t.members[role].user.id), params: { orgId: t.org.id }, body });
}

async function read(t: Tenant, role: Role = "VIEWER") {
  return callRoute(GET, "GET", "/x", { cookie: await sessionCookie(t.members[role].user.id), params: { orgId: t.org.id } });
}

const settingsRow = (t: Tenant) => db.orgSettings.findUniqueOrThrow({ where: { orgId: t.org.id }, omit: { updatedAt: true } });
const events = (t: Tenant) => db.auditLog.findMany({ where: { orgId: t.org.id, action: "settings.updated" }, orderBy: { seq: "asc" } });

const DEFAULTS = {
  retentionDays: 30,
  auditRetentionDays: 365,
  storePrompts: false,
  storeResponses: false,
  storeInternalDebug: false,
  allowSemanticCache: false,
  enforceSso: false,
  requireMfaForAdmins: true,
  allowedEmailDomains: [],
  providerKeyMode: "EITHER",
};

describe("org settings", () => {
  it("reads the defaults, creating the row for an org that has none", async () => {
    const t = await makeTenant("Defaults");
    expect((await read(t)).json).toMatchObject({ orgId: t.org.id, ...DEFAULTS });
    await db.orgSettings.delete({ where: { orgId: t.org.id } });
    const res = await read(t);
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject(DEFAULTS);
    expect(await db.orgSettings.count({ where: { orgId: t.org.id } })).toBe(1);
  });

  it("changes every field and answers the stored values, domains canonical", async () => {
    const t = await makeTenant("All");
    const res = await patch(t, {
      retentionDays: 3650,
      auditRetentionDays: 90,
      storePrompts: true,
      storeResponses: true,
      storeInternalDebug: true,
      allowSemanticCache: true,
      enforceSso: true,
      requireMfaForAdmins: false,
      allowedEmailDomains: [" Example.COM ", "bücher.de", "example.com", "ＡＣＭＥ。org"],
      providerKeyMode: "VAULT_ONLY",
    });
    expect(res.status, res.text).toBe(200);
    const expected = {
      retentionDays: 3650,
      auditRetentionDays: 90,
      storePrompts: true,
      storeResponses: true,
      storeInternalDebug: true,
      allowSemanticCache: true,
      enforceSso: true,
      requireMfaForAdmins: false,
      allowedEmailDomains: ["acme.org", "example.com", "xn--bcher-kva.de"],
      providerKeyMode: "VAULT_ONLY",
    };
    expect(res.json).toMatchObject(expected);
    expect(await settingsRow(t)).toMatchObject(expected);
    expect(Object.keys(res.json as object).sort()).toEqual([...Object.keys(expected), "orgId", "updatedAt"].sort());
  });

  it.each([
    ["a bare name", { allowedEmailDomains: ["example"] }, "allowedEmailDomains.0"],
    ["a wildcard", { allowedEmailDomains: ["*.example.com"] }, "allowedEmailDomains.0"],
    ["a URL", { allowedEmailDomains: ["https://example.com"] }, "allowedEmailDomains.0"],
    ["an email address", { allowedEmailDomains: ["ok.com", "a@b.com"] }, "allowedEmailDomains.1"],
    ["a space", { allowedEmailDomains: ["exa mple.com"] }, "allowedEmailDomains.0"],
    ["a leading hyphen", { allowedEmailDomains: ["-bad.com"] }, "allowedEmailDomains.0"],
    ["a label over 63 characters", { allowedEmailDomains: [`${"a".repeat(64)}.com`] }, "allowedEmailDomains.0"],
    ["an IP address", { allowedEmailDomains: ["192.0.2.1"] }, "allowedEmailDomains.0"],
    ["a port", { allowedEmailDomains: ["example.com:443"] }, "allowedEmailDomains.0"],
    ["an empty entry", { allowedEmailDomains: [""] }, "allowedEmailDomains.0"],
    ["free text instead of a list", { allowedEmailDomains: "example.com, acme.org" }, "allowedEmailDomains"],
    ["more than 100 domains", { allowedEmailDomains: Array.from({ length: 101 }, (_, i) => `d${i}.example.com`) }, "allowedEmailDomains"],
    ["negative retention", { retentionDays: -1 }, "retentionDays"],
    ["zero retention", { retentionDays: 0 }, "retentionDays"],
    ["retention over ten years", { retentionDays: 3651 }, "retentionDays"],
    ["fractional retention", { retentionDays: 1.5 }, "retentionDays"],
    ["retention as a string", { retentionDays: "30" }, "retentionDays"],
    ["null retention", { retentionDays: null }, "retentionDays"],
    ["audit retention under 90 days", { auditRetentionDays: 89 }, "auditRetentionDays"],
    ["audit retention over ten years", { auditRetentionDays: 3651 }, "auditRetentionDays"],
    ["a toggle as a string", { storePrompts: "true" }, "storePrompts"],
    ["a toggle as a number", { enforceSso: 1 }, "enforceSso"],
    ["an unknown mode", { providerKeyMode: "ANY" }, "providerKeyMode"],
    ["an unknown field", { storePrompts: true, retention: 5 }, ""],
    ["an empty patch", {}, ""],
  ])("refuses %s with 422 and changes nothing", async (_name, body, path) => {
    const t = await makeTenant("Invalid");
    const before = await settingsRow(t);
    const res = await patch(t, body);
    expect(res.status, res.text).toBe(422);
    const { error } = res.json as Issues;
    expect(error.code).toBe("validation_failed");
    expect(error.issues.map((i) => i.path)).toContain(path);
    expect(await settingsRow(t)).toEqual(before);
    expect(await events(t)).toEqual([]);
  });

  it("refuses a body that is not an object", async () => {
    const t = await makeTenant("NotObject");
    for (const body of [null, [], "storePrompts", 1]) expect((await patch(t, body)).status).toBe(422);
  });

  it("lets every role read and only ADMIN and OWNER change; another org's caller gets 404", async () => {
    const t = await makeTenant("Rbac");
    const other = await makeTenant("Other");
    for (const role of ["OWNER", "ADMIN", "DEVELOPER", "VIEWER"] as const) expect((await read(t, role)).status, role).toBe(200);
    for (const role of ["DEVELOPER", "VIEWER"] as const) {
      const res = await patch(t, { storePrompts: true }, role);
      expect(res.status, role).toBe(403);
      expect(res.json).toMatchObject({ error: { code: "forbidden" } });
    }
    expect((await settingsRow(t)).storePrompts).toBe(false);
    expect((await patch(t, { storePrompts: true }, "ADMIN")).status).toBe(200);
    expect((await patch(t, { storeResponses: true }, "OWNER")).status).toBe(200);

    const outsider = await sessionCookie(other.members.OWNER.user.id);
    const foreign = { cookie: outsider, params: { orgId: t.org.id } };
    expect((await callRoute(GET, "GET", "/x", foreign)).status).toBe(404);
    expect((await callRoute(PATCH, "PATCH", "/x", { ...foreign, body: { storePrompts: false } })).status).toBe(404);
    expect((await callRoute(GET, "GET", "/x", { params: { orgId: t.org.id } })).status).toBe(401);
    expect((await settingsRow(t)).storePrompts).toBe(true);
  });

  it("audits each change with the changed fields only, before and after", async () => {
    const t = await makeTenant("Audit");
    await db.orgSettings.update({ where: { orgId: t.org.id }, data: { allowedEmailDomains: ["old.example"] } });
    const res = await patch(t, { retentionDays: 7, storePrompts: false, allowedEmailDomains: ["New.Example", "old.example"], providerKeyMode: "BYOK_ONLY" }, "OWNER");
    expect(res.status, res.text).toBe(200);
    const [event, ...rest] = await events(t);
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      actorType: "USER",
      actorId: t.members.OWNER.user.id,
      actorLabel: t.members.OWNER.user.email,
      targetType: "org",
      targetId: t.org.id,
      ip: "203.0.113.7",
      userAgent: "vitest",
    });
    expect(event!.requestId).toBe(res.headers.get("x-request-id"));
    // storePrompts was already false: not a change, so not in the event.
    expect(event!.metadata).toEqual({
      changed: ["retentionDays", "allowedEmailDomains", "providerKeyMode"],
      before: { retentionDays: 30, allowedEmailDomains: ["old.example"], providerKeyMode: "EITHER" },
      after: { retentionDays: 7, allowedEmailDomains: ["new.example", "old.example"], providerKeyMode: "BYOK_ONLY" },
    });
  });

  it("records nothing for a patch that changes nothing", async () => {
    const t = await makeTenant("Noop");
    const res = await patch(t, { retentionDays: 30, storePrompts: false, allowedEmailDomains: [] });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject(DEFAULTS);
    await patch(t, { allowedEmailDomains: ["b.example", "a.example"] });
    // The same set in another order and case is the same setting.
    await patch(t, { allowedEmailDomains: ["A.example", "b.example", "a.example"] });
    expect((await events(t)).length).toBe(1);
  });

  it("serialises concurrent changes: each event's before is the previous event's after", async () => {
    const t = await makeTenant("Race");
    const results = await Promise.all([3, 4, 5, 6].map((days) => patch(t, { retentionDays: days })));
    for (const res of results) expect(res.status).toBe(200);
    const log = (await events(t)).map((e) => e.metadata as { before: { retentionDays: number }; after: { retentionDays: number } });
    expect(log.length).toBe(4);
    expect(log[0]!.before.retentionDays).toBe(30);
    for (let i = 1; i < log.length; i++) expect(log[i]!.before.retentionDays).toBe(log[i - 1]!.after.retentionDays);
    expect((await settingsRow(t)).retentionDays).toBe(log.at(-1)!.after.retentionDays);
  });
});
