import { afterEach, describe, expect, it, vi } from "vitest";
import { DELETE as revokeRoute } from "@/app/api/v1/orgs/[orgId]/scim-tokens/[tokenId]/route";
import { GET as listRoute, POST as createRoute } from "@/app/api/v1/orgs/[orgId]/scim-tokens/route";
import { GET as getOrgRoute } from "@/app/api/v1/orgs/[orgId]/route";
import { db } from "@/lib/db/client";
import { createRateLimiter, POLICIES, setRateLimiter } from "@/lib/ratelimit";
import { createMemoryBackend } from "@/lib/ratelimit/memory-backend";
import { hashScimToken, looksLikeScimToken, SCIM_TOKEN_PATTERN } from "@/lib/scim/token-format";
import { authenticateScimToken } from "@/lib/scim/tokens";
import { makeOrg, makeTenant, sessionCookie } from "../../support/fixtures";
import { callRoute } from "../../support/http";
import { ERROR_SCHEMA, makeScimToken, scim } from "./support";

/** Token management through the API (an ADMIN's MFA-verified session), and how the SCIM door treats tokens. */
async function adminOf(label: string) {
  const t = await makeTenant(label);
  return { t, cookie: await sessionCookie(t.members.ADMIN.user.id), params: { orgId: t.org.id } };
}

afterEach(() => {
  setRateLimiter(undefined);
  vi.useRealTimers();
});

describe("SCIM tokens", () => {
  it("are shown once at creation, stored as a hash, listed without the secret, and audited", async () => {
    const { t, cookie, params } = await adminOf("Tokens");
    const created = await callRoute(createRoute, "POST", "/x", { cookie, params, body: { name: "Okta production" } });
    expect(created.status).toBe(201);
    const body = created.json as { id: string; token: string; prefix: string; last4: string; status: string; createdBy: string };
    expect(looksLikeScimToken(body.token)).toBe(true);
    expect(body.token.match(SCIM_TOKEN_PATTERN)).toEqual([body.token]);
    expect(body).toMatchObject({ status: "active", createdBy: t.members.ADMIN.user.email, prefix: body.token.slice(0, 11), last4: body.token.slice(-4) });

    const row = await db.scimToken.findUniqueOrThrow({ where: { id: body.id } });
    expect(row.hash).toBe(hashScimToken(body.token));
    expect(JSON.stringify(row)).not.toContain(body.token);

    const list = await callRoute(listRoute, "GET", "/x", { cookie, params });
    expect(list.status).toBe(200);
    expect(list.text).not.toContain(body.token);
    expect((list.json as { data: { id: string }[] }).data.map((d) => d.id)).toEqual([body.id]);

    // The new token works at once; revoked, it answers 401 at once.
    expect((await scim(body.token, "GET", "/Users")).status).toBe(200);
    const revoked = await callRoute(revokeRoute, "DELETE", "/x", { cookie, params: { ...params, tokenId: body.id } });
    expect(revoked.status).toBe(200);
    expect(revoked.json).toMatchObject({ id: body.id, status: "revoked" });
    const refused = await scim(body.token, "GET", "/Users");
    expect(refused.status).toBe(401);
    expect(refused.json).toMatchObject({ schemas: [ERROR_SCHEMA], status: "401" });
    // Revoking twice changes nothing and records nothing more.
    expect((await callRoute(revokeRoute, "DELETE", "/x", { cookie, params: { ...params, tokenId: body.id } })).status).toBe(200);

    const events = await db.auditLog.findMany({ where: { orgId: t.org.id }, orderBy: { seq: "asc" } });
    expect(events.map((e) => e.action)).toEqual(["scim.token.created", "scim.token.revoked"]);
    expect(events[0]).toMatchObject({ actorType: "USER", actorId: t.members.ADMIN.user.id, targetId: body.id });
    expect(JSON.stringify(events.map((e) => e.metadata))).not.toContain(body.token);
  });

  it("need a recent MFA check to be created (step-up), not to be revoked", async () => {
    const { t, params } = await adminOf("StepUp");
    const now = Math.floor(Date.now() / 1000);
    const stale = await sessionCookie(t.members.ADMIN.user.id, { mfaAt: now - 3_600, authAt: now - 3_700 });
    const refused = await callRoute(createRoute, "POST", "/x", { cookie: stale, params, body: { name: "Okta" } });
    expect(refused.status).toBe(401);
    expect((refused.json as { error: { code: string } }).error.code).toBe("mfa_step_up_required");
    expect(await db.scimToken.count({ where: { orgId: t.org.id } })).toBe(0);
    const token = await makeScimToken(t.org.id);
    expect((await callRoute(revokeRoute, "DELETE", "/x", { cookie: stale, params: { ...params, tokenId: token.id } })).status).toBe(200);
  });

  it("are managed by ADMIN and OWNER only, and a foreign org's token is not found", async () => {
    const { t, params } = await adminOf("Perms");
    const developer = await sessionCookie(t.members.DEVELOPER.user.id);
    expect((await callRoute(listRoute, "GET", "/x", { cookie: developer, params })).status).toBe(403);
    expect((await callRoute(createRoute, "POST", "/x", { cookie: developer, params, body: { name: "x" } })).status).toBe(403);
    const foreign = await makeScimToken((await makeOrg("Foreign")).id);
    const cookie = await sessionCookie(t.members.ADMIN.user.id);
    expect((await callRoute(revokeRoute, "DELETE", "/x", { cookie, params: { ...params, tokenId: foreign.id } })).status).toBe(404);
    expect((await scim(foreign.secret, "GET", "/Users")).status).toBe(200);
  });

  it("are no API keys, and API keys are no SCIM tokens", async () => {
    const t = await makeTenant("NotKeys");
    const token = await makeScimToken(t.org.id);
    const asKey = await callRoute(getOrgRoute, "GET", "/x", { params: { orgId: t.org.id }, headers: { authorization: `Bearer ${token.secret}` }, origin: null });
    expect(asKey.status).toBe(401);
    expect((await scim(t.apiKey.secret, "GET", "/Users")).status).toBe(401);
  });

  it("record lastUsedAt at most once a minute", async () => {
    const org = await makeOrg("LastUsed");
    const token = await makeScimToken(org.id);
    const headers = new Headers({ authorization: `Bearer ${token.secret}` });
    const t0 = new Date("2030-01-01T00:00:00Z");
    await authenticateScimToken(headers, t0);
    await authenticateScimToken(headers, new Date(t0.getTime() + 30_000));
    expect((await db.scimToken.findUniqueOrThrow({ where: { id: token.id } })).lastUsedAt).toEqual(t0);
    const t1 = new Date(t0.getTime() + 61_000);
    await authenticateScimToken(headers, t1);
    expect((await db.scimToken.findUniqueOrThrow({ where: { id: token.id } })).lastUsedAt).toEqual(t1);
  });

  it("are rate limited per token (policy scim), with a SCIM error and Retry-After", async () => {
    setRateLimiter(createRateLimiter({ policies: { ...POLICIES, scim: { ...POLICIES.scim, limit: 2 } }, backend: createMemoryBackend(), prefix: `scim-${Date.now()}` }));
    const org = await makeOrg("Limited");
    const token = await makeScimToken(org.id);
    const other = await makeScimToken(org.id);
    expect((await scim(token.secret, "GET", "/Users")).status).toBe(200);
    expect((await scim(token.secret, "GET", "/Users")).status).toBe(200);
    const limited = await scim(token.secret, "GET", "/Users");
    expect(limited.status).toBe(429);
    expect(limited.json).toMatchObject({ schemas: [ERROR_SCHEMA], status: "429" });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await scim(other.secret, "GET", "/Users")).status).toBe(200);
  });
});
