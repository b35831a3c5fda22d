import { encode } from "next-auth/jwt";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { GET as getOrg } from "@/app/api/v1/orgs/[orgId]/route";
import { GET as me } from "@/app/api/v1/me/route";
import { mintSessionToken } from "@/lib/auth/session-cookie";
import { verifyAuditChain } from "@/lib/audit/verify";
import { db } from "@/lib/db/client";
import { renameOrgAction } from "@/lib/orgs/actions";
import { orgPage } from "@/lib/security/page";
import { enrolMfa, makeTenant, makeUser, sessionCookie, type Tenant, type TestUser } from "../../support/fixtures";
import { callRoute } from "../../support/http";
import { scope } from "../../support/next-request-scope";

vi.mock("next/headers", async () => (await import("../../support/next-request-scope")).nextHeadersMock);

const nowSeconds = () => Math.floor(Date.now() / 1000);
const CONNECTION = "00000000-0000-4000-8000-00000000c0de";

async function readOrg(t: Tenant, cookie: string) {
  const res = await callRoute(getOrg, "GET", `/api/v1/orgs/${t.org.id}`, { cookie, params: { orgId: t.org.id } });
  return { status: res.status, code: (res.json as { error?: { code?: string; message?: string } })?.error?.code, message: (res.json as { error?: { message?: string } })?.error?.message ?? "" };
}

/** An SSO session as the SSO sign-in mints it (lib/auth/session-cookie.ts), for `orgId`. */
async function ssoCookie(user: TestUser, orgId: string, options: { mfaAt?: number; authAt?: number } = {}) {
  const token = await mintSessionToken({ userId: user.id, email: user.email, name: null, amr: "sso", sso: { orgId, connectionId: CONNECTION }, ...options });
  return `next-auth.session-token=${token}`;
}

async function breakGlassEvents(orgId: string) {
  return db.auditLog.findMany({ where: { orgId, action: "auth.break_glass" }, orderBy: { seq: "asc" } });
}

beforeEach(() => {
  scope.cookie = "";
  scope.set = {};
});

describe("MFA required of owners and admins", () => {
  it("refuses an OWNER or ADMIN whose session has not passed MFA, with mfa_required pointing to /mfa; admits DEVELOPER and VIEWER", async () => {
    const t = await makeTenant("MfaOrg");
    for (const role of ["OWNER", "ADMIN"] as const) {
      const refused = await readOrg(t, await sessionCookie(t.members[role].user.id, { mfaAt: null }));
      expect(refused, role).toMatchObject({ status: 401, code: "mfa_required" });
      expect(refused.message).toContain("/mfa");
      expect((await readOrg(t, await sessionCookie(t.members[role].user.id))).status, role).toBe(200);
    }
    for (const role of ["DEVELOPER", "VIEWER"] as const) {
      expect((await readOrg(t, await sessionCookie(t.members[role].user.id, { mfaAt: null }))).status, role).toBe(200);
    }
  });

  it("counts a session's MFA check only while the user has MFA enabled", async () => {
    const t = await makeTenant("Unenrolled");
    const admin = t.members.ADMIN.user;
    await db.userMfa.delete({ where: { userId: admin.id } });
    expect(await readOrg(t, await sessionCookie(admin.id))).toMatchObject({ status: 401, code: "mfa_required" });
    // A pending enrolment is not MFA either.
    await enrolMfa(admin.id, { enabled: false });
    expect(await readOrg(t, await sessionCookie(admin.id))).toMatchObject({ status: 401, code: "mfa_required" });
    await enrolMfa(admin.id, { secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" });
    expect((await readOrg(t, await sessionCookie(admin.id))).status).toBe(200);
  });

  it("admits OWNER and ADMIN without MFA once the org turns the requirement off", async () => {
    const t = await makeTenant("Relaxed");
    await db.orgSettings.update({ where: { orgId: t.org.id }, data: { requireMfaForAdmins: false } });
    for (const role of ["OWNER", "ADMIN"] as const) {
      expect((await readOrg(t, await sessionCookie(t.members[role].user.id, { mfaAt: null }))).status, role).toBe(200);
    }
    // An org without a settings row has the default: required.
    await db.orgSettings.delete({ where: { orgId: t.org.id } });
    expect(await readOrg(t, await sessionCookie(t.members.OWNER.user.id, { mfaAt: null }))).toMatchObject({ status: 401, code: "mfa_required" });
  });

  it("is enforced by the server-action door and per org: the same session is admitted where the admin is a DEVELOPER", async () => {
    const strict = await makeTenant("Strict");
    const other = await makeTenant("Other");
    const admin = strict.members.ADMIN.user;
    await db.membership.create({ data: { orgId: other.org.id, userId: admin.id, role: "DEVELOPER" } });
    const cookie = await sessionCookie(admin.id, { mfaAt: null });
    scope.cookie = cookie;
    expect(await renameOrgAction(null, { orgId: strict.org.id, name: "Renamed" })).toMatchObject({ ok: false, code: "mfa_required" });
    expect((await db.org.findUniqueOrThrow({ where: { id: strict.org.id } })).name).toBe(strict.org.name);
    expect((await readOrg(other, cookie)).status).toBe(200);
  });

  it("sends the console to /mfa and back, and a session that passed MFA through", async () => {
    const t = await makeTenant("Console");
    scope.cookie = await sessionCookie(t.members.OWNER.user.id, { mfaAt: null });
    await expect(orgPage(t.org.slug)).rejects.toMatchObject({ digest: expect.stringContaining(`/mfa?next=${encodeURIComponent(`/${t.org.slug}`)}`) });
    scope.cookie = await sessionCookie(t.members.OWNER.user.id);
    expect(await orgPage(t.org.slug, "org.update")).toMatchObject({ orgId: t.org.id, role: "OWNER" });
  });
});

describe("enforced SSO", () => {
  async function enforcing(name: string) {
    const t = await makeTenant(name);
    await db.orgSettings.update({ where: { orgId: t.org.id }, data: { enforceSso: true } });
    return t;
  }

  it("refuses a password session with 403 sso_required pointing to /sso/{orgSlug}", async () => {
    const t = await enforcing("Enforced");
    for (const role of ["ADMIN", "DEVELOPER", "VIEWER"] as const) {
      const refused = await readOrg(t, await sessionCookie(t.members[role].user.id));
      expect(refused, role).toMatchObject({ status: 403, code: "sso_required" });
      expect(refused.message).toContain(`/sso/${t.org.slug}`);
    }
    scope.cookie = await sessionCookie(t.members.DEVELOPER.user.id);
    expect(await renameOrgAction(null, { orgId: t.org.id, name: "Nope" })).toMatchObject({ ok: false, code: "sso_required" });
    await expect(orgPage(t.org.slug)).rejects.toMatchObject({ digest: expect.stringContaining(`/sso-required?org=${encodeURIComponent(t.org.slug)}`) });
  });

  it("admits a session from this org's identity provider, and refuses one from another org's", async () => {
    const t = await enforcing("Sso");
    const elsewhere = await makeTenant("Elsewhere");
    const dev = t.members.DEVELOPER.user;
    expect((await readOrg(t, await ssoCookie(dev, t.org.id))).status).toBe(200);
    expect(await readOrg(t, await ssoCookie(dev, elsewhere.org.id))).toMatchObject({ status: 403, code: "sso_required" });
    // An ADMIN's SSO session still needs the MFA check the org requires of admins.
    const admin = t.members.ADMIN.user;
    expect(await readOrg(t, await ssoCookie(admin, t.org.id))).toMatchObject({ status: 401, code: "mfa_required" });
    expect((await readOrg(t, await ssoCookie(admin, t.org.id, { mfaAt: nowSeconds() }))).status).toBe(200);
    // A token claiming amr "sso" without the org it came from is a password session.
    const forged = await encode({ token: { sub: dev.id, amr: "sso", authAt: nowSeconds() }, secret: process.env.NEXTAUTH_SECRET! });
    expect(await readOrg(t, `next-auth.session-token=${forged}`)).toMatchObject({ status: 403, code: "sso_required" });
    expect(await breakGlassEvents(t.org.id)).toHaveLength(0);
  });

  it("lets an OWNER with a password and MFA break glass, audited once per session", async () => {
    const t = await enforcing("Glass");
    const owner = t.members.OWNER.user;
    // Without the MFA check an owner is refused like anyone else.
    expect(await readOrg(t, await sessionCookie(owner.id, { mfaAt: null }))).toMatchObject({ status: 403, code: "sso_required" });
    const authAt = nowSeconds() - 30;
    const cookie = await sessionCookie(owner.id, { authAt });
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => readOrg(t, cookie)));
    expect(outcomes.map((o) => o.status)).toEqual([200, 200, 200, 200, 200]);
    expect((await readOrg(t, cookie)).status).toBe(200);
    // The same session re-issued (a later MFA check, a refreshed cookie) is still the same session.
    expect((await readOrg(t, await sessionCookie(owner.id, { authAt, mfaAt: nowSeconds() }))).status).toBe(200);
    let events = await breakGlassEvents(t.org.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorType: "USER", actorId: owner.id, targetType: "session", targetId: `${owner.id}:${authAt}` });
    expect(events[0]!.metadata).toMatchObject({ amr: "pwd", sessionStartedAt: authAt });
    // A new sign-in is a new session: audited again.
    expect((await readOrg(t, await sessionCookie(owner.id, { authAt: authAt + 5 }))).status).toBe(200);
    events = await breakGlassEvents(t.org.id);
    expect(events.map((e) => e.targetId)).toEqual([`${owner.id}:${authAt}`, `${owner.id}:${authAt + 5}`]);
    // ADMINs have no break-glass.
    expect(await readOrg(t, await sessionCookie(t.members.ADMIN.user.id))).toMatchObject({ status: 403, code: "sso_required" });
    expect(await verifyAuditChain(t.org.id)).toMatchObject({ ok: true });
  });
});

describe("membership status and session validity", () => {
  it("answers 404 for a suspended membership, on routes, actions and pages", async () => {
    const t = await makeTenant("Suspended");
    const dev = t.members.DEVELOPER.user;
    const cookie = await sessionCookie(dev.id);
    expect((await readOrg(t, cookie)).status).toBe(200);
    await db.membership.update({ where: { id: t.members.DEVELOPER.membership.id }, data: { status: "SUSPENDED", suspendedAt: new Date() } });
    expect(await readOrg(t, cookie)).toMatchObject({ status: 404, code: "not_found" });
    scope.cookie = await sessionCookie(t.members.OWNER.user.id);
    await db.membership.update({ where: { id: t.members.OWNER.membership.id }, data: { status: "SUSPENDED" } });
    expect(await renameOrgAction(null, { orgId: t.org.id, name: "Nope" })).toMatchObject({ ok: false, code: "not_found" });
    await expect(orgPage(t.org.slug)).rejects.toMatchObject({ digest: expect.stringContaining("NEXT_HTTP_ERROR_FALLBACK;404") });
  });

  it("refuses sessions begun before the user's sessionsValidAfter, even once next-auth has re-stamped iat", async () => {
    const user = await makeUser("valid-after");
    const cut = nowSeconds() - 100;
    await db.user.update({ where: { id: user.id }, data: { sessionsValidAfter: new Date(cut * 1000) } });
    const call = async (cookie: string) => (await callRoute(me, "GET", "/api/v1/me", { cookie })).json as { error?: { code: string } };
    expect(await call(await sessionCookie(user.id, { authAt: cut - 1 }))).toMatchObject({ error: { code: "session_expired" } });
    expect(await call(await sessionCookie(user.id, { authAt: cut }))).not.toHaveProperty("error");
    expect(await call(await sessionCookie(user.id, { authAt: cut + 50 }))).not.toHaveProperty("error");
    // A refreshed cookie carries a new iat but the old authAt: still refused.
    const refreshed = await encode({ token: { sub: user.id, amr: "pwd", authAt: cut - 1 }, secret: process.env.NEXTAUTH_SECRET! });
    expect(await call(`next-auth.session-token=${refreshed}`)).toMatchObject({ error: { code: "session_expired" } });
    // A token from before the contract (no authAt) is judged by its iat, which encode sets to now.
    const legacy = await encode({ token: { sub: user.id }, secret: process.env.NEXTAUTH_SECRET! });
    expect(await call(`next-auth.session-token=${legacy}`)).not.toHaveProperty("error");
  });
});
