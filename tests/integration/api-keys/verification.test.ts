import { afterEach, describe, expect, it, vi } from "vitest";
import { POST as chat } from "@/app/api/v1/chat/completions/route";
import { POST as rotate } from "@/app/api/v1/orgs/[orgId]/projects/[projectId]/api-keys/[keyId]/rotate/route";
import { KEY_CACHE_TTL_MS } from "@/lib/api-keys/verify";
import { db } from "@/lib/db/client";
import { snapshot } from "@/lib/metrics";
import { makeApiKey, makeTenant, sessionCookie, type Tenant } from "../../support/fixtures";
import { callRoute } from "../../support/http";

/**
 * The API-key door of the SDK endpoints. No provider key is sent, so a request
 * that gets through the door answers 400 provider_key_missing: that is "admitted".
 */
const body = { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] };

async function call(secret: string | null, headers: Record<string, string> = {}) {
  const res = await callRoute(chat as never, "POST", "/api/v1/chat/completions", {
    body,
    origin: null,
    headers: { ...(secret ? { authorization: `Bearer ${secret}` } : {}), ...headers },
  });
  return { status: res.status, code: (res.json as { error?: { code?: string; type?: string } })?.error?.code, json: res.json, headers: res.headers };
}

const admitted = { status: 400, code: "provider_key_missing" };

afterEach(() => {
  vi.useRealTimers();
});

describe("API key verification", () => {
  it("answers each failure with its own code, in OpenAI's error shape", async () => {
    const t = await makeTenant("Verify");
    const key = (o: Parameters<typeof makeApiKey>[2]) => makeApiKey(t.org.id, t.project.id, o);
    expect(await call(null)).toMatchObject({ status: 401, code: "missing_api_key" });
    expect(await call("not-a-key")).toMatchObject({ status: 401, code: "invalid_api_key" });
    const good = await key({});
    expect(await call(good.secret.slice(0, -1) + (good.secret.endsWith("A") ? "B" : "A"))).toMatchObject({ status: 401, code: "invalid_api_key" });
    expect(await call(good.secret, { authorization: `Basic ${good.secret}` })).toMatchObject({ status: 401, code: "invalid_api_key" });
    expect(await call((await key({ revokedAt: new Date() })).secret)).toMatchObject({ status: 401, code: "api_key_revoked" });
    expect(await call((await key({ expiresAt: new Date(Date.now() - 1_000) })).secret)).toMatchObject({ status: 401, code: "api_key_expired" });
    expect(await call((await key({ scopes: ["models"] })).secret)).toMatchObject({ status: 403, code: "insufficient_scope" });
    const fenced = await key({ ipAllowlist: ["198.51.100.0/24", "2001:db8::/32"] });
    expect(await call(fenced.secret, { "x-forwarded-for": "203.0.113.7" })).toMatchObject({ status: 403, code: "ip_not_allowed" });
    expect(await call(fenced.secret, { "x-forwarded-for": "198.51.100.20" })).toMatchObject(admitted);
    expect(await call(fenced.secret, { "x-forwarded-for": "2001:db8:1::5" })).toMatchObject(admitted);
    const browser = await key({ allowedOrigins: ["https://app.example.com"] });
    expect(await call(browser.secret, { origin: "https://app.example.com.evil.test" })).toMatchObject({ status: 403, code: "origin_not_allowed" });
    expect(await call(good.secret, { origin: "https://app.example.com" })).toMatchObject({ status: 403, code: "origin_not_allowed" });
    const fromApp = await call(browser.secret, { origin: "https://app.example.com" });
    expect(fromApp).toMatchObject(admitted);
    expect(fromApp.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(fromApp.headers.get("access-control-allow-credentials")).toBeNull();
    expect((await call(null)).json).toMatchObject({ error: { type: "authentication_error", param: null } });
  });

  it("keeps the replaced secret working through the grace window, then only the new one", async () => {
    const t: Tenant = await makeTenant("Rotate");
    const cookie = await sessionCookie(t.members.ADMIN.user.id);
    const params = { orgId: t.org.id, projectId: t.project.id, keyId: t.apiKey.id };
    const first = t.apiKey.secret;
    const r1 = await callRoute(rotate, "POST", "/x", { cookie, params, body: { graceSeconds: 3600 } });
    expect(r1.status, r1.text).toBe(200);
    const second = (r1.json as { secret: string }).secret;
    expect(await call(first)).toMatchObject(admitted);
    expect(await call(second)).toMatchObject(admitted);

    // Rotating again inside the window: the first keeps its own end, capped by the new window.
    const r2 = await callRoute(rotate, "POST", "/x", { cookie, params, body: { graceSeconds: 60 } });
    const third = (r2.json as { secret: string }).secret;
    for (const secret of [first, second, third]) expect(await call(secret)).toMatchObject(admitted);
    const ends = await db.apiKeySecret.findMany({ where: { apiKeyId: t.apiKey.id }, orderBy: { createdAt: "asc" }, select: { expiresAt: true } });
    expect(ends[0]!.expiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + 61_000);
    expect(ends[2]!.expiresAt).toBeNull();

    // After the window: only the newest.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 61_000 + KEY_CACHE_TTL_MS);
    expect(await call(first)).toMatchObject({ status: 401, code: "api_key_rotated" });
    expect(await call(second)).toMatchObject({ status: 401, code: "api_key_rotated" });
    expect(await call(third)).toMatchObject(admitted);
    vi.useRealTimers();

    // Grace 0 (a leaked key): every older secret ends now.
    const r3 = await callRoute(rotate, "POST", "/x", { cookie, params, body: { graceSeconds: 0 } });
    expect(await call(third)).toMatchObject({ status: 401, code: "api_key_rotated" });
    expect(await call((r3.json as { secret: string }).secret)).toMatchObject(admitted);
    expect(await db.auditLog.count({ where: { orgId: t.org.id, action: "api_key.rotated" } })).toBe(3);
  });

  it("sees a change made by another instance within the cache bound", async () => {
    const t = await makeTenant("Bound");
    expect(await call(t.apiKey.secret)).toMatchObject(admitted);
    // Another instance revokes the key: it writes the database, our cache does not know.
    await db.apiKey.update({ where: { id: t.apiKey.id }, data: { revokedAt: new Date() } });
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + KEY_CACHE_TTL_MS);
    expect(await call(t.apiKey.secret)).toMatchObject({ status: 401, code: "api_key_revoked" });
  });

  it("costs no database query per request once the key is cached", async () => {
    const t = await makeTenant("Steady");
    await call(t.apiKey.secret);
    const before = snapshot().dbQueries;
    for (let i = 0; i < 200; i += 1) expect((await call(t.apiKey.secret)).status).toBe(400);
    expect(snapshot().dbQueries - before).toBeLessThanOrEqual(1);
  });

  it("costs one query per unknown key per cache period, not one per request", async () => {
    const t = await makeTenant("Flood");
    const stranger = await makeApiKey(t.org.id, t.project.id);
    await db.apiKey.delete({ where: { id: stranger.id } });
    const before = snapshot().dbQueries;
    for (let i = 0; i < 50; i += 1) expect((await call(stranger.secret)).code).toBe("invalid_api_key");
    expect(snapshot().dbQueries - before).toBeLessThanOrEqual(1);
  });
});

describe("API key lookup", () => {
  it("loads a key with one SQL statement when its cache entry is missing or stale", async () => {
    const t = await makeTenant("OneQuery");
    // BYOK_ONLY: the call ends at the missing provider key without consulting the vault, so only the key load is counted.
    await db.orgSettings.upsert({ where: { orgId: t.org.id }, create: { orgId: t.org.id, providerKeyMode: "BYOK_ONLY" }, update: { providerKeyMode: "BYOK_ONLY" } });
    const before = snapshot().dbQueries;
    expect(await call(t.apiKey.secret)).toMatchObject(admitted);
    expect(snapshot().dbQueries - before).toBe(1);
  });
});

describe("the gateway's rate limit", () => {
  it("answers 429 with Retry-After and RateLimit headers, ahead of any error in the body", async () => {
    const t = await makeTenant("Limited");
    const key = await makeApiKey(t.org.id, t.project.id, { rateLimit: 1 });
    const first = await call(key.secret);
    expect(first).toMatchObject(admitted);
    expect(first.headers.get("ratelimit-limit")).toBe("1");
    const bad = await callRoute(chat as never, "POST", "/api/v1/chat/completions", {
      body: { model: 42 },
      origin: null,
      headers: { authorization: `Bearer ${key.secret}` },
    });
    expect(bad.status).toBe(429);
    expect(bad.json).toMatchObject({ error: { code: "rate_limited", type: "rate_limit_error" } });
    expect(Number(bad.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(bad.headers.get("ratelimit-remaining")).toBe("0");
  });
});
