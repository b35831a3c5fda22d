import { describe, expect, it } from "vitest";
import { GET as listKeys, POST as createKey } from "@/app/api/v1/orgs/[orgId]/projects/[projectId]/api-keys/route";
import { DELETE as revokeKey, PATCH as patchKey } from "@/app/api/v1/orgs/[orgId]/projects/[projectId]/api-keys/[keyId]/route";
import { API_KEY_PATTERN, hashApiKey, looksLikeApiKey } from "@/lib/api-keys/format";
import { db } from "@/lib/db/client";
import { makeApiKey, makeProject, makeTenant, sessionCookie, type Tenant } from "../../support/fixtures";
import { callRoute } from "../../support/http";

type KeyJson = { id: string; secret?: string; prefix: string; last4: string; status: string; ipAllowlist: string[]; allowedOrigins: string[]; scopes: string[] };

async function create(t: Tenant, body: unknown, role: "ADMIN" | "DEVELOPER" = "ADMIN") {
  const cookie = await sessionCookie(t.members[role].user.id);
  return callRoute(createKey, "POST", "/x", { cookie, params: { orgId: t.org.id, projectId: t.project.id }, body });
}

describe("API key management", () => {
  it("creates a key whose secret is shown once, recognisable offline and stored only as a hash", async () => {
    const t = await makeTenant("Keys");
    const res = await create(t, {
      name: "Backend",
      description: "prod",
      scopes: ["chat", "models", "chat"],
      ipAllowlist: ["10.1.2.3/8", "2001:DB8::1"],
      allowedOrigins: ["HTTPS://App.Example.com:443"],
      rateLimit: 50,
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(res.status, res.text).toBe(201);
    const key = res.json as KeyJson;
    expect(looksLikeApiKey(key.secret!)).toBe(true);
    expect(key.secret!.match(API_KEY_PATTERN)).toEqual([key.secret]);
    expect(key.secret!.startsWith(key.prefix) && key.secret!.endsWith(key.last4)).toBe(true);
    expect(key).toMatchObject({ status: "active", scopes: ["chat", "models"], ipAllowlist: ["10.0.0.0/8", "2001:db8::1/128"], allowedOrigins: ["https://app.example.com"] });

    // The secret is nowhere in the database: not in keys, secrets or the audit log.
    const dump = JSON.stringify([
      await db.apiKey.findMany({ where: { orgId: t.org.id } }),
      await db.apiKeySecret.findMany({ where: { apiKeyId: key.id } }),
      await db.auditLog.findMany({ where: { orgId: t.org.id } }),
    ], (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
    expect(dump).not.toContain(key.secret);
    expect(dump).toContain(hashApiKey(key.secret!));
    const event = await db.auditLog.findFirst({ where: { orgId: t.org.id, action: "api_key.created" } });
    expect(event).toMatchObject({ targetId: key.id, actorId: t.members.ADMIN.user.id });

    // Listing never shows it again.
    const list = await callRoute(listKeys, "GET", "/x", { cookie: await sessionCookie(t.members.VIEWER.user.id), params: { orgId: t.org.id, projectId: t.project.id } });
    expect(list.status).toBe(403);
    const asDev = await callRoute(listKeys, "GET", "/x", { cookie: await sessionCookie(t.members.DEVELOPER.user.id), params: { orgId: t.org.id, projectId: t.project.id } });
    expect(asDev.status).toBe(200);
    expect(asDev.text).not.toContain(key.secret);
    expect(asDev.text).not.toContain(hashApiKey(key.secret!));
  });

  it.each([
    [{ name: "", scopes: ["chat"] }, "name"],
    [{ name: "k", scopes: [] }, "scopes"],
    [{ name: "k", scopes: ["admin"] }, "scopes.0"],
    [{ name: "k", scopes: ["chat"], ipAllowlist: ["10.0.0.0/33"] }, "ipAllowlist.0"],
    [{ name: "k", scopes: ["chat"], ipAllowlist: ["1.2.3.4", "not-an-ip"] }, "ipAllowlist.1"],
    [{ name: "k", scopes: ["chat"], allowedOrigins: ["https://example.com/path"] }, "allowedOrigins.0"],
    [{ name: "k", scopes: ["chat"], allowedOrigins: ["*"] }, "allowedOrigins.0"],
    [{ name: "k", scopes: ["chat"], expiresAt: "2001-01-01T00:00:00Z" }, "expiresAt"],
    [{ name: "k", scopes: ["chat"], expiresAt: "tomorrow" }, "expiresAt"],
    [{ name: "k", scopes: ["chat"], rateLimit: 0 }, "rateLimit"],
    [{ name: "k", scopes: ["chat"], rateLimit: 1.5 }, "rateLimit"],
  ])("refuses %j with 422 on %s and stores nothing", async (body, path) => {
    const t = await makeTenant("Invalid");
    const res = await create(t, body);
    expect(res.status).toBe(422);
    expect((res.json as { error: { issues: { path: string }[] } }).error.issues.map((i) => i.path)).toContain(path);
    expect(await db.apiKey.count({ where: { orgId: t.org.id, name: "k" } })).toBe(0);
  });

  it("lets nobody grant a scope beyond their own permissions", async () => {
    const t = await makeTenant("Grant");
    const res = await create(t, { name: "ops", scopes: ["management:write"] }, "DEVELOPER");
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ error: { code: "scope_not_allowed" } });
    expect((await create(t, { name: "ops", scopes: ["management:read"] }, "DEVELOPER")).status).toBe(201);
  });

  it("admits a management key to its own project only, with its scopes", async () => {
    const t = await makeTenant("Automation");
    const other = await makeProject(t.org.id);
    const reader = await makeApiKey(t.org.id, t.project.id, { scopes: ["management:read"] });
    const writer = await makeApiKey(t.org.id, t.project.id, { scopes: ["management:write"] });
    const as = (key: { secret: string }) => ({ headers: { authorization: `Bearer ${key.secret}` }, origin: null });

    const listed = await callRoute(listKeys, "GET", "/x", { ...as(reader), params: { orgId: t.org.id, projectId: t.project.id } });
    expect(listed.status).toBe(200);
    expect((listed.json as { data: unknown[] }).data.length).toBeGreaterThanOrEqual(3);
    const elsewhere = await callRoute(listKeys, "GET", "/x", { ...as(reader), params: { orgId: t.org.id, projectId: other.id } });
    expect(elsewhere.status).toBe(404);
    const denied = await callRoute(createKey, "POST", "/x", { ...as(reader), params: { orgId: t.org.id, projectId: t.project.id }, body: { name: "x", scopes: ["chat"] } });
    expect(denied.json).toMatchObject({ error: { code: "insufficient_scope" } });

    const made = await callRoute(createKey, "POST", "/x", { ...as(writer), params: { orgId: t.org.id, projectId: t.project.id }, body: { name: "ci", scopes: ["chat"] } });
    expect(made.status).toBe(201);
    const event = await db.auditLog.findFirst({ where: { orgId: t.org.id, action: "api_key.created", targetId: (made.json as KeyJson).id } });
    expect(event).toMatchObject({ actorType: "API_KEY", actorId: writer.id, actorLabel: writer.prefix });

    // A key sent from a browser origin it does not allow is refused even on management routes.
    const fromBrowser = await callRoute(listKeys, "GET", "/x", { headers: { authorization: `Bearer ${reader.secret}`, origin: "https://evil.example" }, params: { orgId: t.org.id, projectId: t.project.id } });
    expect(fromBrowser.json).toMatchObject({ error: { code: "origin_not_allowed" } });
  });

  it("audits restriction changes with before and after, and revocation once", async () => {
    const t = await makeTenant("Restrict");
    const cookie = await sessionCookie(t.members.ADMIN.user.id);
    const params = { orgId: t.org.id, projectId: t.project.id, keyId: t.apiKey.id };
    const patched = await callRoute(patchKey, "PATCH", "/x", { cookie, params, body: { ipAllowlist: ["192.0.2.0/24"], rateLimit: 5 } });
    expect(patched.status, patched.text).toBe(200);
    const event = await db.auditLog.findFirst({ where: { orgId: t.org.id, action: "api_key.updated" } });
    expect(event?.metadata).toMatchObject({ changed: ["ipAllowlist", "rateLimit"], before: { ipAllowlist: [], rateLimit: null }, after: { ipAllowlist: ["192.0.2.0/24"], rateLimit: 5 } });
    expect((await callRoute(patchKey, "PATCH", "/x", { cookie, params, body: {} })).status).toBe(422);

    for (let i = 0; i < 2; i += 1) {
      const revoked = await callRoute(revokeKey, "DELETE", "/x", { cookie, params });
      expect(revoked.status).toBe(200);
      expect(revoked.json).toMatchObject({ status: "revoked" });
    }
    expect(await db.auditLog.count({ where: { orgId: t.org.id, action: "api_key.revoked" } })).toBe(1);
    const again = await callRoute(patchKey, "PATCH", "/x", { cookie, params, body: { name: "back" } });
    expect(again.status).toBe(409);
  });
});
