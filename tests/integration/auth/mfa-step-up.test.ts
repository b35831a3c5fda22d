import { randomBytes } from "node:crypto";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { GET as exportAudit } from "@/app/api/v1/orgs/[orgId]/audit-logs/export/route";
import { POST as createKey } from "@/app/api/v1/orgs/[orgId]/provider-keys/route";
import { DELETE as revokeKey, PATCH as relabelKey } from "@/app/api/v1/orgs/[orgId]/provider-keys/[providerKeyId]/route";
import { POST as replaceKey } from "@/app/api/v1/orgs/[orgId]/provider-keys/[providerKeyId]/replace/route";
import { PATCH as patchSettings } from "@/app/api/v1/orgs/[orgId]/settings/route";
import { POST as rewrap } from "@/app/api/v1/orgs/[orgId]/vault/rewrap/route";
import { db } from "@/lib/db/client";
import { verifyMfaAction } from "@/lib/mfa/actions";
import { totpAt } from "@/lib/mfa/totp";
import { requireRecentMfa, STEP_UP_MAX_AGE } from "@/lib/security/step-up";
import { createProviderKeyAction } from "@/lib/vault/actions";
import { makeTenant, mfaSecretOf, sessionCookie, userContext, type Tenant } from "../../support/fixtures";
import { callRoute } from "../../support/http";
import { scope } from "../../support/next-request-scope";

vi.mock("next/headers", async () => (await import("../../support/next-request-scope")).nextHeadersMock);

const nowSeconds = () => Math.floor(Date.now() / 1000);
const secret = () => `sk-proj-${randomBytes(40).toString("base64url")}`;
const code = (res: { json: unknown }) => (res.json as { error?: { code?: string } })?.error?.code;

/** The OWNER's session, its MFA check `ageSeconds` old. */
const ownerCookie = (t: Tenant, ageSeconds: number) => sessionCookie(t.members.OWNER.user.id, { mfaAt: nowSeconds() - ageSeconds, authAt: nowSeconds() - ageSeconds - 60 });

async function vaultKey(t: Tenant) {
  const res = await callRoute(createKey, "POST", "/x", { cookie: await ownerCookie(t, 0), params: { orgId: t.org.id }, body: { provider: "openai", label: "Main", secret: secret() } });
  expect(res.status, res.text).toBe(201);
  return (res.json as { id: string }).id;
}

beforeEach(() => {
  scope.cookie = "";
  scope.set = {};
});

describe("step-up for sensitive actions", () => {
  it("needs an MFA check within 10 minutes to add, replace or revoke a provider key, and to re-wrap", async () => {
    const t = await makeTenant("StepUp");
    const orgId = t.org.id;
    const stale = await ownerCookie(t, STEP_UP_MAX_AGE + 60);
    const recent = await ownerCookie(t, STEP_UP_MAX_AGE - 60);

    const refused = await callRoute(createKey, "POST", "/x", { cookie: stale, params: { orgId }, body: { provider: "openai", label: "Late", secret: secret() } });
    expect(refused.status).toBe(401);
    expect(code(refused)).toBe("mfa_step_up_required");
    expect((refused.json as { error: { message: string } }).error.message).toContain("/mfa");
    expect(await db.providerCredential.count({ where: { orgId } })).toBe(0);
    const created = await callRoute(createKey, "POST", "/x", { cookie: recent, params: { orgId }, body: { provider: "openai", label: "Fresh", secret: secret() } });
    expect(created.status, created.text).toBe(201);
    const providerKeyId = (created.json as { id: string }).id;
    const params = { orgId, providerKeyId };

    expect(code(await callRoute(replaceKey, "POST", "/x", { cookie: stale, params, body: { secret: secret() } }))).toBe("mfa_step_up_required");
    expect((await callRoute(replaceKey, "POST", "/x", { cookie: recent, params, body: { secret: secret() } })).status).toBe(200);
    // Relabelling is not sensitive.
    expect((await callRoute(relabelKey, "PATCH", "/x", { cookie: stale, params, body: { label: "Renamed" } })).status).toBe(200);
    expect(code(await callRoute(rewrap, "POST", "/x", { cookie: stale, params: { orgId } }))).toBe("mfa_step_up_required");
    expect((await callRoute(rewrap, "POST", "/x", { cookie: recent, params: { orgId } })).status).toBe(200);
    expect(code(await callRoute(revokeKey, "DELETE", "/x", { cookie: stale, params }))).toBe("mfa_step_up_required");
    expect((await db.providerCredential.findUniqueOrThrow({ where: { id: providerKeyId } })).revokedAt).toBeNull();
    expect((await callRoute(revokeKey, "DELETE", "/x", { cookie: recent, params })).status).toBe(200);

    const actions = await db.auditLog.findMany({ where: { orgId, action: { startsWith: "provider_key." } }, orderBy: { seq: "asc" } });
    expect(actions.map((e) => e.action)).toEqual(["provider_key.created", "provider_key.replaced", "provider_key.updated", "provider_key.revoked"]);
  });

  it("needs it for an audit export: refused after 10 minutes, and nothing recorded", async () => {
    const t = await makeTenant("Export");
    const path = `/api/v1/orgs/${t.org.id}/audit-logs/export?format=csv`;
    const stale = await callRoute(exportAudit, "GET", path, { cookie: await ownerCookie(t, STEP_UP_MAX_AGE + 1), params: { orgId: t.org.id } });
    expect(stale.status).toBe(401);
    expect(code(stale)).toBe("mfa_step_up_required");
    expect(await db.auditLog.count({ where: { orgId: t.org.id, action: "audit.exported" } })).toBe(0);
    // ADMIN holds audit.export too; a session that never passed MFA is refused before that (the org requires MFA of admins).
    const never = await callRoute(exportAudit, "GET", path, { cookie: await sessionCookie(t.members.ADMIN.user.id, { mfaAt: null }), params: { orgId: t.org.id } });
    expect(code(never)).toBe("mfa_required");
    const ok = await callRoute(exportAudit, "GET", path, { cookie: await ownerCookie(t, 30), params: { orgId: t.org.id } });
    expect(ok.status, ok.text).toBe(200);
    expect(await db.auditLog.count({ where: { orgId: t.org.id, action: "audit.exported" } })).toBe(1);
  });

  it("applies whatever the org's MFA setting: with it off, an owner without MFA still needs a check for provider keys", async () => {
    const t = await makeTenant("Relaxed");
    await db.orgSettings.update({ where: { orgId: t.org.id }, data: { requireMfaForAdmins: false } });
    const res = await callRoute(createKey, "POST", "/x", {
      cookie: await sessionCookie(t.members.OWNER.user.id, { mfaAt: null }),
      params: { orgId: t.org.id },
      body: { provider: "openai", label: "Key", secret: secret() },
    });
    expect(code(res)).toBe("mfa_step_up_required");
    expect(() => requireRecentMfa(userContext(t.members.OWNER.user, { mfaAt: null }))).toThrow(expect.objectContaining({ code: "mfa_step_up_required" }));
  });

  it("needs it to turn MFA for admins or enforced SSO off, not to turn them on", async () => {
    const t = await makeTenant("Bar");
    const orgId = t.org.id;
    const stale = await ownerCookie(t, STEP_UP_MAX_AGE + 60);
    expect((await callRoute(patchSettings, "PATCH", "/x", { cookie: stale, params: { orgId }, body: { enforceSso: true } })).status).toBe(200);
    expect(code(await callRoute(patchSettings, "PATCH", "/x", { cookie: stale, params: { orgId }, body: { requireMfaForAdmins: false } }))).toBe("mfa_step_up_required");
    expect(code(await callRoute(patchSettings, "PATCH", "/x", { cookie: stale, params: { orgId }, body: { enforceSso: false } }))).toBe("mfa_step_up_required");
    expect(await db.orgSettings.findUniqueOrThrow({ where: { orgId } })).toMatchObject({ requireMfaForAdmins: true, enforceSso: true });
    const recent = await ownerCookie(t, 10);
    expect((await callRoute(patchSettings, "PATCH", "/x", { cookie: recent, params: { orgId }, body: { requireMfaForAdmins: false, enforceSso: false } })).status).toBe(200);
    expect(await db.orgSettings.findUniqueOrThrow({ where: { orgId } })).toMatchObject({ requireMfaForAdmins: false, enforceSso: false });
  });

  it("passes again once the user verifies: the re-issued session carries the new check", async () => {
    const t = await makeTenant("Again");
    await vaultKey(t);
    const owner = t.members.OWNER.user;
    scope.cookie = await ownerCookie(t, STEP_UP_MAX_AGE + 120);
    const input = { orgId: t.org.id, provider: "anthropic", label: "Second", secret: `sk-ant-api03-${randomBytes(60).toString("base64url")}AA`, projectId: null };
    expect(await createProviderKeyAction(null, input)).toMatchObject({ ok: false, code: "mfa_step_up_required" });
    expect(await verifyMfaAction(null, { code: await totpAt(await mfaSecretOf(owner.id)) })).toMatchObject({ ok: true });
    const retried = await createProviderKeyAction(null, input);
    expect(retried.ok, JSON.stringify(retried)).toBe(true);
  });
});
