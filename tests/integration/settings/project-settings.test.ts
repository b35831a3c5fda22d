import { describe, expect, it, vi } from "vitest";
import { GET, PATCH } from "@/app/api/v1/orgs/[orgId]/projects/[projectId]/settings/route";
import { db } from "@/lib/db/client";
import type { Role } from "@/lib/security/permissions";
import { updateProjectSettingsAction } from "@/lib/settings/actions";
import { makeProject, makeTenant, sessionCookie, type Tenant } from "../../support/fixtures";
import { callRoute } from "../../support/http";
import { scope } from "../../support/next-request-scope";

vi.mock("next/headers", async () => (await import("../../support/next-request-scope")).nextHeadersMock);

const params = (t: Tenant, projectId = t.project.id) => ({ orgId: t.org.id, projectId });

async function patch(t: Tenant, body: unknown, role: Role = "ADMIN", projectId = t.project.id) {
  return callRoute(PATCH, "PATCH", "/x", { cookie: await sessionCookie(t.members[role].user.id), params: params(t, projectId), body });
}

async function read(t: Tenant, role: Role = "VIEWER", projectId = t.project.id) {
  return callRoute(GET, "GET", "/x", { cookie: await sessionCookie(t.members[role].user.id), params: params(t, projectId) });
}

const overrides = (t: Tenant) => db.projectSettings.findUniqueOrThrow({ where: { projectId: t.project.id }, omit: { updatedAt: true } });
const events = (t: Tenant) => db.auditLog.findMany({ where: { orgId: t.org.id, action: "project_settings.updated" }, orderBy: { seq: "asc" } });
const field = <T>(value: T | null, inherited: T) => ({ value, inherited, effective: value ?? inherited });

describe("project settings", () => {
  it("inherits every field from the org until overridden, and inherits again after a reset", async () => {
    const t = await makeTenant("Inherit");
    await db.orgSettings.update({ where: { orgId: t.org.id }, data: { retentionDays: 60, storeResponses: true } });
    expect((await read(t)).json).toMatchObject({
      projectId: t.project.id,
      retentionDays: field(null, 60),
      storePrompts: field(null, false),
      storeResponses: field(null, true),
      storeInternalDebug: field(null, false),
      providerKeyMode: field(null, "EITHER"),
    });

    const set = await patch(t, { retentionDays: 7, storePrompts: true, storeResponses: false });
    expect(set.status, set.text).toBe(200);
    expect(set.json).toMatchObject({
      retentionDays: field(7, 60),
      storePrompts: field(true, false),
      storeResponses: { value: false, inherited: true, effective: false },
      storeInternalDebug: field(null, false),
    });

    // The org's value moves; an override stays, an inherited field follows.
    await db.orgSettings.update({ where: { orgId: t.org.id }, data: { retentionDays: 90, storeInternalDebug: true } });
    expect((await read(t)).json).toMatchObject({ retentionDays: field(7, 90), storeInternalDebug: field(null, true) });

    const reset = await patch(t, { retentionDays: null, storeResponses: null });
    expect(reset.status, reset.text).toBe(200);
    expect(reset.json).toMatchObject({ retentionDays: field(null, 90), storeResponses: field(null, true), storePrompts: field(true, false) });
    expect(await overrides(t)).toEqual({ projectId: t.project.id, retentionDays: null, storePrompts: true, storeResponses: null, storeInternalDebug: null, providerKeyMode: null });
  });

  it("overrides the provider-key mode, follows the org's while inheriting, and audits each change", async () => {
    const t = await makeTenant("KeyMode");
    await db.orgSettings.update({ where: { orgId: t.org.id }, data: { providerKeyMode: "BYOK_ONLY" } });
    expect((await read(t)).json).toMatchObject({ providerKeyMode: field(null, "BYOK_ONLY") });

    const set = await patch(t, { providerKeyMode: "VAULT_ONLY" });
    expect(set.status, set.text).toBe(200);
    expect(set.json).toMatchObject({ providerKeyMode: field("VAULT_ONLY", "BYOK_ONLY") });
    await db.orgSettings.update({ where: { orgId: t.org.id }, data: { providerKeyMode: "EITHER" } });
    expect((await read(t)).json).toMatchObject({ providerKeyMode: field("VAULT_ONLY", "EITHER") });

    const reset = await patch(t, { providerKeyMode: null });
    expect(reset.json).toMatchObject({ providerKeyMode: field(null, "EITHER") });
    expect(await patch(t, { providerKeyMode: null })).toMatchObject({ status: 200 });
    expect((await overrides(t)).providerKeyMode).toBeNull();
    expect((await events(t)).map((e) => e.metadata)).toEqual([
      { changed: ["providerKeyMode"], before: { providerKeyMode: null }, after: { providerKeyMode: "VAULT_ONLY" } },
      { changed: ["providerKeyMode"], before: { providerKeyMode: "VAULT_ONLY" }, after: { providerKeyMode: null } },
    ]);
  });

  it("audits overrides and resets with before and after; a no-op records nothing", async () => {
    const t = await makeTenant("ProjectAudit");
    await patch(t, { retentionDays: 14, storeInternalDebug: true }, "OWNER");
    await patch(t, { retentionDays: null, storeInternalDebug: true });
    await patch(t, { storePrompts: null });
    const log = await events(t);
    expect(log.map((e) => e.metadata)).toEqual([
      { changed: ["retentionDays", "storeInternalDebug"], before: { retentionDays: null, storeInternalDebug: null }, after: { retentionDays: 14, storeInternalDebug: true } },
      { changed: ["retentionDays"], before: { retentionDays: 14 }, after: { retentionDays: null } },
    ]);
    expect(log[0]).toMatchObject({ projectId: t.project.id, targetType: "project", targetId: t.project.id, actorId: t.members.OWNER.user.id });
    expect(log[1]).toMatchObject({ actorId: t.members.ADMIN.user.id });
  });

  it.each([
    [{ retentionDays: 0 }, "retentionDays"],
    [{ retentionDays: 3651 }, "retentionDays"],
    [{ retentionDays: -1 }, "retentionDays"],
    [{ retentionDays: 2.5 }, "retentionDays"],
    [{ retentionDays: "30" }, "retentionDays"],
    [{ storePrompts: "inherit" }, "storePrompts"],
    [{ providerKeyMode: "vault_only" }, "providerKeyMode"],
    [{ providerKeyMode: "inherit" }, "providerKeyMode"],
    [{ allowSemanticCache: true }, ""],
    [{ enforceSso: true }, ""],
    [{}, ""],
  ])("refuses %j with 422 on %j and changes nothing", async (body, path) => {
    const t = await makeTenant("ProjectInvalid");
    const before = await overrides(t);
    const res = await patch(t, body);
    expect(res.status, res.text).toBe(422);
    expect((res.json as { error: { issues: { path: string }[] } }).error.issues.map((i) => i.path)).toContain(path);
    expect(await overrides(t)).toEqual(before);
    expect(await events(t)).toEqual([]);
  });

  it("lets every role read and only ADMIN and OWNER change; another org's project is 404", async () => {
    const t = await makeTenant("ProjectRbac");
    const other = await makeTenant("ProjectOther");
    for (const role of ["OWNER", "ADMIN", "DEVELOPER", "VIEWER"] as const) expect((await read(t, role)).status, role).toBe(200);
    for (const role of ["DEVELOPER", "VIEWER"] as const) expect((await patch(t, { storePrompts: true }, role)).status, role).toBe(403);
    expect((await patch(t, { storePrompts: true }, "OWNER")).status).toBe(200);

    // Another org's project through this org's path, and this project through another org's member.
    expect((await read(t, "OWNER", other.project.id)).status).toBe(404);
    expect((await patch(t, { storePrompts: true }, "OWNER", other.project.id)).status).toBe(404);
    const outsider = { cookie: await sessionCookie(other.members.OWNER.user.id), params: params(t) };
    expect((await callRoute(PATCH, "PATCH", "/x", { ...outsider, body: { storePrompts: false } })).status).toBe(404);
    expect((await read(t, "OWNER", "not-a-uuid")).status).toBe(422);
    expect((await db.projectSettings.findUniqueOrThrow({ where: { projectId: other.project.id } })).storePrompts).toBeNull();
  });

  it("creates the override row for a project that has none", async () => {
    const t = await makeTenant("NoRow");
    const project = await makeProject(t.org.id);
    await db.projectSettings.delete({ where: { projectId: project.id } });
    expect((await read(t, "VIEWER", project.id)).json).toMatchObject({ retentionDays: field(null, 30) });
    expect((await patch(t, { retentionDays: 3 }, "ADMIN", project.id)).json).toMatchObject({ retentionDays: field(3, 30) });
  });

  it("the console action applies the same rules and reports field errors under the patch", async () => {
    const t = await makeTenant("ProjectAction");
    scope.cookie = await sessionCookie(t.members.ADMIN.user.id);
    const bad = await updateProjectSettingsAction(null, { orgId: t.org.id, projectId: t.project.id, patch: { retentionDays: 0 } });
    expect(bad).toMatchObject({ ok: false, code: "validation_failed", fieldErrors: { "patch.retentionDays": expect.any(String) } });
    const good = await updateProjectSettingsAction(null, { orgId: t.org.id, projectId: t.project.id, patch: { retentionDays: 5 } });
    expect(good).toMatchObject({ ok: true, data: { changed: ["retentionDays"], settings: { retentionDays: field(5, 30) } } });
    scope.cookie = await sessionCookie(t.members.DEVELOPER.user.id);
    expect(await updateProjectSettingsAction(null, { orgId: t.org.id, projectId: t.project.id, patch: { retentionDays: 9 } })).toMatchObject({ ok: false, code: "forbidden" });
    scope.cookie = "";
  });
});
