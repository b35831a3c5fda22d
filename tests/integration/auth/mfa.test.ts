import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { decode } from "next-auth/jwt";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { GET as me } from "@/app/api/v1/me/route";
import { verifyAuditChain } from "@/lib/audit/verify";
import { db } from "@/lib/db/client";
import { confirmEnrolmentAction, disableMfaAction, regenerateRecoveryCodesAction, verifyMfaAction } from "@/lib/mfa/actions";
import { hashRecoveryCode, normalizeRecoveryCode } from "@/lib/mfa/recovery-codes";
import { confirmEnrolment, disableMfa, mfaStatus, pendingEnrolment, regenerateRecoveryCodes, resetMfa, verifyMfa } from "@/lib/mfa/service";
import { TOTP_PERIOD, stepAt, totpAt } from "@/lib/mfa/totp";
import { enrolMfa, makeMember, makeOrg, makeTenant, makeUser, sessionCookie, userContext, type TestUser } from "../../support/fixtures";
import { callRoute } from "../../support/http";
import { scope } from "../../support/next-request-scope";

vi.mock("next/headers", async () => (await import("../../support/next-request-scope")).nextHeadersMock);

const SESSION = "next-auth.session-token";
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The platform-chain audit events about one user, oldest first. */
async function userEvents(user: TestUser, prefix = "auth.mfa.") {
  const rows = await db.auditLog.findMany({ where: { orgId: null, targetId: user.id, action: { startsWith: prefix } }, orderBy: { seq: "asc" } });
  return rows.map((r) => ({ action: r.action, metadata: r.metadata as Record<string, unknown> }));
}

async function claimsOfSetCookie(): Promise<Record<string, unknown>> {
  const token = scope.set[SESSION];
  expect(token, "the session cookie was re-issued").toBeTruthy();
  return (await decode({ token, secret: process.env.NEXTAUTH_SECRET! })) as Record<string, unknown>;
}

/** A user whose session is signed in (password, no MFA check yet), for the server actions. */
async function signedIn(user: TestUser, authAt = nowSeconds() - 120) {
  scope.set = {};
  scope.cookie = await sessionCookie(user.id, { mfaAt: null, authAt });
  return authAt;
}

const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");

beforeEach(() => {
  scope.cookie = "";
  scope.set = {};
});

afterEach(() => {
  vi.useRealTimers();
});

describe("MFA enrolment", () => {
  it("gives concurrent renders of the enrolment page one and the same secret", async () => {
    const user = await makeUser("enrol-race");
    const ctx = userContext(user, { mfaAt: null });
    const secrets = (await Promise.all(Array.from({ length: 4 }, () => pendingEnrolment(ctx.principal)))).map((e) => e.secret);
    expect(new Set(secrets).size).toBe(1);
    expect((await pendingEnrolment(ctx.principal)).secret).toBe(secrets[0]);
  });

  it("shows a QR code and the secret, seals it at rest, turns on with the first code, and re-issues the session with mfaAt", async () => {
    const user = await makeUser("enrol");
    const ctx = userContext(user, { mfaAt: null });
    const enrolment = await pendingEnrolment(ctx.principal);
    expect(enrolment.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enrolment.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    const uri = new URL(enrolment.uri);
    expect(uri.protocol).toBe("otpauth:");
    expect(decodeURIComponent(uri.pathname)).toContain(user.email);
    expect(uri.searchParams.get("secret")).toBe(enrolment.secret);
    expect(uri.searchParams.get("issuer")).toBe("Gatehouse");
    // A reload shows the same secret while the enrolment is pending.
    expect((await pendingEnrolment(ctx.principal)).secret).toBe(enrolment.secret);

    const row = await db.userMfa.findUniqueOrThrow({ where: { userId: user.id } });
    expect(row.enabledAt).toBeNull();
    const stored = `${Buffer.from(row.ciphertext).toString("hex")} ${Buffer.from(row.ciphertext).toString("latin1")} ${Buffer.from(row.wrappedDek).toString("latin1")}`;
    expect(stored).not.toContain(enrolment.secret);
    expect(stored).not.toContain(Buffer.from(enrolment.secret).toString("hex"));
    expect((await mfaStatus(user.id)).enabled).toBe(false);

    // A wrong first code is refused on the code field, audited, and enables nothing.
    const authAt = await signedIn(user);
    const wrong = await confirmEnrolmentAction(null, { code: wrongCode(await totpAt(enrolment.secret)) });
    expect(wrong).toMatchObject({ ok: false, code: "validation_failed", fieldErrors: { code: expect.any(String) } });
    expect(scope.set[SESSION]).toBeUndefined();
    expect((await mfaStatus(user.id)).enabled).toBe(false);

    const done = await confirmEnrolmentAction(null, { code: await totpAt(enrolment.secret) });
    expect(done.ok, JSON.stringify(done)).toBe(true);
    const codes = (done as { data: { recoveryCodes: string[] } }).data.recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);

    // Stored as SHA-256 only.
    const rows = await db.mfaRecoveryCode.findMany({ where: { userId: user.id } });
    expect(rows.map((r) => r.hash).sort()).toEqual(codes.map((c) => hashRecoveryCode(normalizeRecoveryCode(c)!)).sort());
    expect(JSON.stringify(rows)).not.toContain(codes[0]!.replace("-", ""));
    expect(await mfaStatus(user.id)).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });

    // The same session, now with its MFA check.
    const claims = await claimsOfSetCookie();
    expect(claims).toMatchObject({ sub: user.id, amr: "pwd", authAt });
    expect(Math.abs((claims.mfaAt as number) - nowSeconds())).toBeLessThanOrEqual(2);
    expect(claims.sso).toBeUndefined();

    expect((await userEvents(user)).map((e) => e.action)).toEqual(["auth.mfa.failed", "auth.mfa.enrolled"]);
    expect((await userEvents(user))[1]!.metadata).toEqual({ method: "totp", recoveryCodes: 10 });
    const audited = await db.auditLog.findMany({ where: { targetId: user.id } });
    expect(JSON.stringify(audited, (_k, v) => (typeof v === "bigint" ? v.toString() : v))).not.toContain(enrolment.secret);
    await expect(pendingEnrolment(ctx.principal)).rejects.toMatchObject({ code: "conflict" });
    expect(await verifyAuditChain(null)).toMatchObject({ ok: true });
  });

  it("starts over with a new secret once a pending enrolment is stale, and never replaces an enabled one", async () => {
    const user = await makeUser("stale");
    const ctx = userContext(user);
    const first = await pendingEnrolment(ctx.principal);
    await db.userMfa.update({ where: { userId: user.id }, data: { updatedAt: new Date(Date.now() - 31 * 60_000) } });
    const second = await pendingEnrolment(ctx.principal);
    expect(second.secret).not.toBe(first.secret);
    await expect(confirmEnrolment(ctx, await totpAt(first.secret))).rejects.toMatchObject({ code: "validation_failed" });
    await confirmEnrolment(ctx, await totpAt(second.secret));
    await expect(pendingEnrolment(ctx.principal)).rejects.toMatchObject({ code: "conflict" });
    await expect(confirmEnrolment(ctx, await totpAt(second.secret))).rejects.toMatchObject({ code: "conflict" });
  });
});

describe("MFA codes", () => {
  it("accepts the current code once: the same code again is refused", async () => {
    const user = await makeUser("once");
    const secret = await enrolMfa(user.id);
    const ctx = userContext(user, { mfaAt: null });
    const code = await totpAt(secret);
    expect(await verifyMfa(ctx, code)).toEqual({ method: "totp", recoveryCodesLeft: null });
    await expect(verifyMfa(ctx, code)).rejects.toMatchObject({ code: "validation_failed", issues: [{ path: "code" }] });
    const events = await userEvents(user);
    expect(events.map((e) => e.action)).toEqual(["auth.mfa.verified", "auth.mfa.failed"]);
    expect(events[1]!.metadata).toEqual({ reason: "wrong_or_reused_code" });
  });

  it("lets exactly one of several requests racing with one code through", async () => {
    const user = await makeUser("race");
    const secret = await enrolMfa(user.id);
    const ctx = userContext(user, { mfaAt: null });
    const code = await totpAt(secret);
    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => verifyMfa(ctx, code)));
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    for (const o of outcomes) if (o.status === "rejected") expect(o.reason).toMatchObject({ code: "validation_failed" });
  });

  it("tolerates the previous step, not two steps back nor the next step (documented: current and previous 30-second step)", async () => {
    // Mid-step, so that ±a second of test time stays in the same step.
    const t = (stepAt(nowSeconds()) + 1) * TOTP_PERIOD + 15;
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(t * 1000);
    const users = await Promise.all(["prev", "two-back", "next"].map((label) => makeUser(label)));
    const secrets = await Promise.all(users.map((u) => enrolMfa(u.id)));
    const [prev, twoBack, next] = users.map((u) => userContext(u, { mfaAt: null }));
    expect(await verifyMfa(prev!, await totpAt(secrets[0]!, t - TOTP_PERIOD))).toMatchObject({ method: "totp" });
    await expect(verifyMfa(twoBack!, await totpAt(secrets[1]!, t - 2 * TOTP_PERIOD))).rejects.toMatchObject({ code: "validation_failed" });
    await expect(verifyMfa(next!, await totpAt(secrets[2]!, t + TOTP_PERIOD))).rejects.toMatchObject({ code: "validation_failed" });
    // Once the current step's code is accepted, the previous step's is refused: it lies at or before the last accepted step.
    expect(await verifyMfa(twoBack!, await totpAt(secrets[1]!, t))).toMatchObject({ method: "totp" });
    await expect(verifyMfa(twoBack!, await totpAt(secrets[1]!, t - TOTP_PERIOD))).rejects.toMatchObject({ code: "validation_failed" });
    // The next step's code, once its time has come, is accepted.
    vi.setSystemTime((t + TOTP_PERIOD) * 1000);
    expect(await verifyMfa(twoBack!, await totpAt(secrets[1]!, t + TOTP_PERIOD))).toMatchObject({ method: "totp" });
    expect(Number((await db.userMfa.findUniqueOrThrow({ where: { userId: users[1]!.id } })).lastStep)).toBe(stepAt(t) + 1);
  });

  it("spends each recovery code once, in any case and with or without its dash, and audits what is left", async () => {
    const user = await makeUser("recovery");
    const ctx = userContext(user, { mfaAt: null });
    const { secret } = await pendingEnrolment(ctx.principal);
    const { recoveryCodes } = await confirmEnrolment(ctx, await totpAt(secret));
    expect(await verifyMfa(ctx, recoveryCodes[0]!)).toEqual({ method: "recovery_code", recoveryCodesLeft: 9 });
    await expect(verifyMfa(ctx, recoveryCodes[0]!)).rejects.toMatchObject({ code: "validation_failed" });
    expect(await verifyMfa(ctx, ` ${recoveryCodes[1]!.replace("-", "").toUpperCase()} `)).toEqual({ method: "recovery_code", recoveryCodesLeft: 8 });
    await expect(verifyMfa(ctx, "abcde-fghjk")).rejects.toMatchObject({ code: "validation_failed" });
    // Another user's code is not this user's.
    const other = await makeUser("other");
    const otherCtx = userContext(other, { mfaAt: null });
    await confirmEnrolment(otherCtx, await totpAt((await pendingEnrolment(otherCtx.principal)).secret));
    await expect(verifyMfa(otherCtx, recoveryCodes[2]!)).rejects.toMatchObject({ code: "validation_failed" });

    const used = (await userEvents(user)).filter((e) => e.action === "auth.mfa.recovery_code_used");
    expect(used.map((e) => e.metadata)).toEqual([{ recoveryCodesLeft: 9 }, { recoveryCodesLeft: 8 }]);
    expect(await mfaStatus(user.id)).toMatchObject({ recoveryCodesLeft: 8 });
  });

  it("re-issues an SSO session with mfaAt, keeping its method, org, connection and start", async () => {
    const user = await makeUser("sso-mfa");
    const secret = await enrolMfa(user.id);
    const sso = { orgId: (await makeOrg("Idp")).id, connectionId: "00000000-0000-4000-8000-000000000001" };
    scope.cookie = await sessionCookie(user.id, { amr: "sso", sso, mfaAt: null, authAt: 1_700_000_000 + 10 });
    // A session that began long ago is still that session: the MFA check keeps its start.
    const result = await verifyMfaAction(null, { code: await totpAt(secret) });
    expect(result).toMatchObject({ ok: true, data: { method: "totp" } });
    expect(await claimsOfSetCookie()).toMatchObject({ sub: user.id, amr: "sso", sso, authAt: 1_700_000_010 });
  });

  it("limits code attempts to 10 per 15 minutes per user, then refuses even a right code", async () => {
    const user = await makeUser("guesser");
    const secret = await enrolMfa(user.id);
    const ctx = userContext(user, { mfaAt: null });
    const right = await totpAt(secret);
    for (let i = 0; i < 10; i += 1) await expect(verifyMfa(ctx, wrongCode(right))).rejects.toMatchObject({ code: "validation_failed" });
    await expect(verifyMfa(ctx, right)).rejects.toMatchObject({ code: "rate_limited" });
    const reasons = (await userEvents(user)).map((e) => e.metadata.reason);
    expect(reasons.at(-1)).toBe("rate_limited");
    // Another user is not held back.
    const other = await makeUser("patient");
    expect(await verifyMfa(userContext(other), await totpAt(await enrolMfa(other.id)))).toMatchObject({ method: "totp" });
  });
});

describe("MFA settings of one's own account", () => {
  it("regenerates recovery codes with a current code only, replacing every earlier one", async () => {
    const user = await makeUser("regen");
    const ctx = userContext(user);
    const { secret } = await pendingEnrolment(ctx.principal);
    vi.useFakeTimers({ toFake: ["Date"] });
    const t = (stepAt(nowSeconds()) + 1) * TOTP_PERIOD + 5;
    vi.setSystemTime(t * 1000);
    const { recoveryCodes: old } = await confirmEnrolment(ctx, await totpAt(secret, t));
    await expect(regenerateRecoveryCodes(ctx, old[0]!)).rejects.toMatchObject({ code: "validation_failed" });
    vi.setSystemTime((t + TOTP_PERIOD) * 1000);
    await signedIn(user);
    const result = await regenerateRecoveryCodesAction(null, { code: await totpAt(secret, t + TOTP_PERIOD) });
    expect(result.ok, JSON.stringify(result)).toBe(true);
    const fresh = (result as { data: { recoveryCodes: string[] } }).data.recoveryCodes;
    expect(fresh).toHaveLength(10);
    await expect(verifyMfa(ctx, old[1]!)).rejects.toMatchObject({ code: "validation_failed" });
    expect(await verifyMfa(ctx, fresh[0]!)).toMatchObject({ method: "recovery_code", recoveryCodesLeft: 9 });
    expect((await userEvents(user)).map((e) => e.action)).toContain("auth.mfa.recovery_codes_regenerated");
  });

  it("refuses to turn MFA off while an org requires it of the user as OWNER or ADMIN; with none, turns it off with a current code", async () => {
    const t = await makeTenant("Requires");
    const admin = t.members.ADMIN.user;
    const secret = await enrolMfa(admin.id);
    const ctx = userContext(admin);
    await expect(disableMfa(ctx, await totpAt(secret))).rejects.toMatchObject({ code: "conflict", message: expect.stringContaining(t.org.name) });
    expect((await mfaStatus(admin.id)).enabled).toBe(true);

    await db.orgSettings.update({ where: { orgId: t.org.id }, data: { requireMfaForAdmins: false } });
    await signedIn(admin);
    expect(await disableMfaAction(null, { code: wrongCode(await totpAt(secret)) })).toMatchObject({ ok: false, code: "validation_failed" });
    expect((await mfaStatus(admin.id)).enabled).toBe(true);
    expect(await disableMfaAction(null, { code: await totpAt(secret) })).toMatchObject({ ok: true });
    expect(await mfaStatus(admin.id)).toMatchObject({ enabled: false, recoveryCodesLeft: 0 });
    expect(await db.mfaRecoveryCode.count({ where: { userId: admin.id } })).toBe(0);
    expect((await userEvents(admin)).map((e) => e.action)).toContain("auth.mfa.disabled");
    // A DEVELOPER elsewhere is never held to it.
    const org = await makeOrg("Devs");
    const { user: dev } = await makeMember(org.id, "DEVELOPER");
    const devSecret = await enrolMfa(dev.id);
    await disableMfa(userContext(dev), await totpAt(devSecret));
    expect((await mfaStatus(dev.id)).enabled).toBe(false);
  });
});

describe("the operator's MFA reset", () => {
  it("removes the enrolment and recovery codes, ends every session, and audits on the platform chain and in each org", async () => {
    const t = await makeTenant("Reset");
    const owner = t.members.OWNER.user;
    const old = await sessionCookie(owner.id, { authAt: nowSeconds() - 60 });
    expect((await callRoute(me, "GET", "/api/v1/me", { cookie: old })).status).toBe(200);
    expect(await resetMfa(owner.email.toUpperCase())).toMatchObject({ userId: owner.id, hadMfa: true });
    expect(await db.userMfa.count({ where: { userId: owner.id } })).toBe(0);
    expect(await db.mfaRecoveryCode.count({ where: { userId: owner.id } })).toBe(0);
    const refused = await callRoute(me, "GET", "/api/v1/me", { cookie: old });
    expect(refused.status).toBe(401);
    expect(refused.json).toMatchObject({ error: { code: "session_expired" } });
    // A sign-in after the reset works (and will be asked to enrol).
    const fresh = await sessionCookie(owner.id, { authAt: nowSeconds() + 1, mfaAt: null });
    expect((await callRoute(me, "GET", "/api/v1/me", { cookie: fresh })).status).toBe(200);
    const events = await db.auditLog.findMany({ where: { action: "auth.mfa.reset", targetId: owner.id } });
    expect(events.map((e) => e.orgId).sort()).toEqual([null, t.org.id].sort());
    expect(events[0]).toMatchObject({ actorType: "SYSTEM", actorLabel: "operator-cli" });
    await expect(resetMfa("nobody@nowhere.test")).rejects.toMatchObject({ code: "not_found" });
  });

  it("runs as `npm run user -- reset-mfa <email>`", async () => {
    const user = await makeUser("cli");
    await enrolMfa(user.id);
    const run = promisify(execFile);
    const { stdout } = await run(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/user.ts", "reset-mfa", user.email], {
      env: { ...process.env },
      timeout: 60_000,
    });
    expect(stdout).toContain(`${user.email}: MFA reset`);
    expect(await db.userMfa.count({ where: { userId: user.id } })).toBe(0);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).sessionsValidAfter).not.toBeNull();
  }, 90_000);
});
