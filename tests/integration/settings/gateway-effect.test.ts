import { describe, expect, it } from "vitest";
import { POST as chat } from "@/app/api/v1/chat/completions/route";
import { PATCH as patchProject } from "@/app/api/v1/orgs/[orgId]/projects/[projectId]/settings/route";
import { PATCH as patchOrg } from "@/app/api/v1/orgs/[orgId]/settings/route";
import { verifyApiKey } from "@/lib/api-keys/verify";
import { snapshot } from "@/lib/metrics";
import { makeTenant, sessionCookie, type Tenant } from "../../support/fixtures";
import { callRoute } from "../../support/http";

/**
 * The gateway reads storePrompts/storeResponses and the provider-key mode from
 * the verified key's cached record. A settings change made on this instance
 * evicts the org's keys, so the next request sees the new effective values
 * without waiting for the TTL.
 */
const verify = (t: Tenant) => verifyApiKey({ token: t.apiKey.secret, ip: "203.0.113.7", origin: null, scope: "chat" });

/** A chat request through the gateway; none of these reach an upstream (each is refused for its provider key). */
async function complete(t: Tenant, providerKey?: string) {
  const headers: Record<string, string> = { authorization: `Bearer ${t.apiKey.secret}`, ...(providerKey ? { "x-provider-key": providerKey } : {}) };
  const res = await callRoute(chat, "POST", "/api/v1/chat/completions", { headers, origin: null, body: { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] } });
  return { status: res.status, code: (res.json as { error?: { code?: string } }).error?.code };
}

async function send(t: Tenant, body: unknown, project = false) {
  const cookie = await sessionCookie(t.members.ADMIN.user.id);
  return project
    ? callRoute(patchProject, "PATCH", "/x", { cookie, params: { orgId: t.org.id, projectId: t.project.id }, body })
    : callRoute(patchOrg, "PATCH", "/x", { cookie, params: { orgId: t.org.id }, body });
}

describe("settings reach the gateway", () => {
  it("applies org storage settings to the next verification at once", async () => {
    const t = await makeTenant("Gateway");
    expect(await verify(t)).toMatchObject({ storePrompts: false, storeResponses: false });
    const misses = snapshot().apiKeyCacheMisses;
    expect((await send(t, { storePrompts: true })).status).toBe(200);
    expect(await verify(t)).toMatchObject({ storePrompts: true, storeResponses: false });
    expect(snapshot().apiKeyCacheMisses).toBe(misses + 1);
  });

  it("lets a project override win over the org, and inherit again after a reset", async () => {
    const t = await makeTenant("GatewayProject");
    expect((await send(t, { storePrompts: true, storeResponses: true })).status).toBe(200);
    expect(await verify(t)).toMatchObject({ storePrompts: true, storeResponses: true });
    expect((await send(t, { storePrompts: false }, true)).status).toBe(200);
    expect(await verify(t)).toMatchObject({ storePrompts: false, storeResponses: true });
    expect((await send(t, { storePrompts: null }, true)).status).toBe(200);
    expect(await verify(t)).toMatchObject({ storePrompts: true });
  });

  it("makes the gateway refuse X-Provider-Key at once when a project overrides the mode to VAULT_ONLY", async () => {
    const t = await makeTenant("GatewayKeyMode");
    // EITHER (the default), nothing vaulted, no header: the key record is now cached.
    expect(await complete(t)).toEqual({ status: 400, code: "provider_key_missing" });
    expect(await verify(t)).toMatchObject({ providerKeyMode: "EITHER" });

    expect((await send(t, { providerKeyMode: "VAULT_ONLY" }, true)).status).toBe(200);
    expect(await complete(t, "sk-caller-0123456789abcdef")).toEqual({ status: 403, code: "provider_key_not_allowed" });
    expect(await complete(t)).toEqual({ status: 400, code: "vault_key_missing" });

    // The org's BYOK_ONLY does not reach a project that overrides it; a reset inherits it again.
    expect((await send(t, { providerKeyMode: "BYOK_ONLY" })).status).toBe(200);
    expect(await complete(t, "sk-caller-0123456789abcdef")).toEqual({ status: 403, code: "provider_key_not_allowed" });
    expect((await send(t, { providerKeyMode: null }, true)).status).toBe(200);
    expect(await verify(t)).toMatchObject({ providerKeyMode: "BYOK_ONLY" });
    expect(await complete(t)).toEqual({ status: 400, code: "provider_key_missing" });
  });

  it("keeps the cache when a patch changes nothing", async () => {
    const t = await makeTenant("GatewayNoop");
    await verify(t);
    const misses = snapshot().apiKeyCacheMisses;
    expect((await send(t, { storePrompts: false })).status).toBe(200);
    await verify(t);
    expect(snapshot().apiKeyCacheMisses).toBe(misses);
  });
});
