import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { NextRequest } from "next/server";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as chatRoute } from "@/app/api/v1/chat/completions/route";
import { GET as modelsRoute } from "@/app/api/v1/models/route";
import { db, pgPool } from "@/lib/db/client";
import { flushUsage } from "@/lib/gateway/usage";
import { fingerprintOf, last4Of, seal } from "@/lib/vault/envelope";
import { keyRing } from "@/lib/vault/ring";
import { replaceProviderKey, revokeProviderKey } from "@/lib/vault/service";
import { clearVaultCache, VAULT_CACHE_TTL_MS } from "@/lib/vault/vaulted-keys";
import { startUpstreamServer, type UpstreamServer } from "@/tests/support/upstream-server";
import { makeApiKey, makeMember, makeOrg, makeProject } from "../../support/fixtures";
import { credentialRows, encodingsOf, makeProviderKey, orgContext, providerSecret } from "./support";

/**
 * The gateway's choice of provider key under each key mode, with the vaulted
 * key, the caller's X-Provider-Key, both or neither; what reaches the
 * upstream (a local server speaking both providers' protocols); how fast a
 * change to a vaulted key takes effect; and that a vaulted key that cannot be
 * opened fails closed without leaking anything.
 */
type Mode = "BYOK_ONLY" | "VAULT_ONLY" | "EITHER";
type Provider = "openai" | "anthropic";
const MODELS: Record<Provider, string> = { openai: "gpt-4o-mini", anthropic: "claude-3-5-haiku-latest" };
const CALLER_KEY: Record<Provider, string> = { openai: providerSecret("openai"), anthropic: providerSecret("anthropic") };

let upstream: UpstreamServer;

beforeAll(async () => {
  upstream = await startUpstreamServer();
  process.env.OPENAI_BASE_URL = upstream.openaiBaseUrl;
  process.env.ANTHROPIC_BASE_URL = upstream.anthropicBaseUrl;
  process.env.GATEWAY_ALLOW_PRIVATE_UPSTREAMS = "true";
});

afterAll(async () => {
  await upstream.close();
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** An org (with the mode) and a project with an API key, optionally with vaulted keys for both providers. */
async function gatewayTenant(mode: Mode, options: { vaulted?: boolean; projectMode?: Mode | null } = {}) {
  const org = await makeOrg("VaultGateway");
  await db.orgSettings.update({ where: { orgId: org.id }, data: { providerKeyMode: mode } });
  const admin = await makeMember(org.id, "ADMIN");
  const project = await makeProject(org.id);
  if (options.projectMode) await db.projectSettings.update({ where: { projectId: project.id }, data: { providerKeyMode: options.projectMode } });
  const apiKey = await makeApiKey(org.id, project.id);
  const ctx = await orgContext(org.id, admin.user);
  const vaulted: Partial<Record<Provider, { id: string; secret: string }>> = {};
  if (options.vaulted) {
    for (const provider of ["openai", "anthropic"] as const) {
      const { view, secret } = await makeProviderKey(ctx, { provider });
      vaulted[provider] = { id: view.id, secret };
    }
  }
  return { org, project, apiKey: apiKey.secret, ctx, vaulted };
}

interface Answer {
  status: number;
  code: string | null;
  text: string;
  headers: Headers;
  /** The key the upstream received, or null when it was not called. */
  upstreamKey: string | null;
}

function keyOf(request: UpstreamServer["requests"][number]): string {
  return request.path.startsWith("/v1/messages") || request.headers["x-api-key"] ? String(request.headers["x-api-key"]) : String(request.headers.authorization).replace(/^Bearer /, "");
}

/** The response, and the upstream requests it caused (found by `sent`). */
async function answer(response: Response, sent: () => UpstreamServer["requests"]): Promise<Answer> {
  const text = await response.text();
  let code: string | null = null;
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? null;
  } catch {
    // a stream
  }
  const called = sent();
  expect(called.length).toBeLessThanOrEqual(1);
  return { status: response.status, code, text, headers: response.headers, upstreamKey: called[0] ? keyOf(called[0]) : null };
}

function headersFor(apiKey: string, providerKey?: string, extra: Record<string, string> = {}) {
  return { authorization: `Bearer ${apiKey}`, "x-forwarded-for": "203.0.113.9", ...(providerKey ? { "x-provider-key": providerKey } : {}), ...extra };
}

/** A chat completion; its message carries a tag of its own, so concurrent calls find their own upstream request. */
async function chat(apiKey: string, provider: Provider, options: { providerKey?: string; stream?: boolean; model?: string } = {}): Promise<Answer> {
  const content = `hello vault ${randomUUID()}`;
  const body = JSON.stringify({ model: options.model ?? MODELS[provider], stream: options.stream ?? false, messages: [{ role: "user", content }] });
  const req = new NextRequest("http://gatehouse.test/api/v1/chat/completions", {
    method: "POST",
    headers: { ...headersFor(apiKey, options.providerKey), "content-type": "application/json" },
    body,
  });
  const response = await chatRoute(req);
  return answer(response, () => upstream.requests.filter((r) => JSON.stringify(r.body).includes(content)));
}

/** The model list (never called concurrently). */
async function models(apiKey: string, provider: Provider, providerKey?: string): Promise<Answer> {
  const before = upstream.requests.length;
  const req = new NextRequest("http://gatehouse.test/api/v1/models", { headers: headersFor(apiKey, providerKey, { "x-provider": provider }) });
  const response = await modelsRoute(req);
  return answer(response, () => upstream.requests.slice(before));
}

function expectNoKeyMaterial(text: string, secrets: string[]) {
  for (const secret of secrets) for (const encoded of encodingsOf(secret)) expect(text).not.toContain(encoded);
}

describe("key modes", () => {
  const cases: { mode: Mode; header: boolean; vaulted: boolean; expect: "vault" | "caller" | [number, string] }[] = [
    { mode: "BYOK_ONLY", header: true, vaulted: true, expect: "caller" },
    { mode: "BYOK_ONLY", header: true, vaulted: false, expect: "caller" },
    { mode: "BYOK_ONLY", header: false, vaulted: true, expect: [400, "provider_key_missing"] },
    { mode: "BYOK_ONLY", header: false, vaulted: false, expect: [400, "provider_key_missing"] },
    { mode: "VAULT_ONLY", header: true, vaulted: true, expect: [403, "provider_key_not_allowed"] },
    { mode: "VAULT_ONLY", header: true, vaulted: false, expect: [403, "provider_key_not_allowed"] },
    { mode: "VAULT_ONLY", header: false, vaulted: true, expect: "vault" },
    { mode: "VAULT_ONLY", header: false, vaulted: false, expect: [400, "vault_key_missing"] },
    { mode: "EITHER", header: true, vaulted: true, expect: "caller" },
    { mode: "EITHER", header: true, vaulted: false, expect: "caller" },
    { mode: "EITHER", header: false, vaulted: true, expect: "vault" },
    { mode: "EITHER", header: false, vaulted: false, expect: [400, "provider_key_missing"] },
  ];

  it.each(cases)("$mode, header $header, vaulted key $vaulted: $expect", async ({ mode, header, vaulted, expect: expected }) => {
    const t = await gatewayTenant(mode, { vaulted });
    for (const provider of ["openai", "anthropic"] as const) {
      const providerKey = header ? CALLER_KEY[provider] : undefined;
      for (const call of [() => chat(t.apiKey, provider, { providerKey }), () => chat(t.apiKey, provider, { providerKey, stream: true }), () => models(t.apiKey, provider, providerKey)]) {
        const res = await call();
        if (expected === "vault") {
          expect(res.status, res.text).toBe(200);
          expect(res.upstreamKey).toBe(t.vaulted[provider]!.secret);
        } else if (expected === "caller") {
          expect(res.status, res.text).toBe(200);
          expect(res.upstreamKey).toBe(CALLER_KEY[provider]);
        } else {
          expect([res.status, res.code], res.text).toEqual(expected);
          expect(res.upstreamKey).toBeNull();
        }
        // Whatever happened, the answer carries no vaulted key.
        expectNoKeyMaterial(`${res.text}\n${JSON.stringify([...res.headers])}`, Object.values(t.vaulted).map((v) => v.secret));
      }
    }
  });

  it("a project's own mode overrides the org's", async () => {
    const vaultOnly = await gatewayTenant("EITHER", { vaulted: true, projectMode: "VAULT_ONLY" });
    expect(await chat(vaultOnly.apiKey, "openai", { providerKey: CALLER_KEY.openai })).toMatchObject({ status: 403, code: "provider_key_not_allowed", upstreamKey: null });
    expect((await chat(vaultOnly.apiKey, "openai")).upstreamKey).toBe(vaultOnly.vaulted.openai!.secret);
    const byokOnly = await gatewayTenant("VAULT_ONLY", { vaulted: true, projectMode: "BYOK_ONLY" });
    expect(await chat(byokOnly.apiKey, "openai")).toMatchObject({ status: 400, code: "provider_key_missing", upstreamKey: null });
    expect((await chat(byokOnly.apiKey, "openai", { providerKey: CALLER_KEY.openai })).upstreamKey).toBe(CALLER_KEY.openai);
  });
});

describe("which vaulted key, and how soon a change counts", () => {
  it("uses the project's own key before the org's, for that project only", async () => {
    const t = await gatewayTenant("VAULT_ONLY", { vaulted: true });
    const projectKey = await makeProviderKey(t.ctx, { provider: "openai", projectId: t.project.id });
    const sibling = await makeProject(t.org.id);
    const siblingKey = (await makeApiKey(t.org.id, sibling.id)).secret;
    expect((await chat(t.apiKey, "openai")).upstreamKey).toBe(projectKey.secret);
    expect((await chat(siblingKey, "openai")).upstreamKey).toBe(t.vaulted.openai!.secret);
    // Anthropic has no project key: the org's.
    expect((await chat(t.apiKey, "anthropic")).upstreamKey).toBe(t.vaulted.anthropic!.secret);
    // Without the project's key, the project falls back on the org's at once.
    await revokeProviderKey(t.ctx, projectKey.view.id);
    expect((await chat(t.apiKey, "openai")).upstreamKey).toBe(t.vaulted.openai!.secret);
  });

  it("applies a replace or a revoke made on this instance to the very next request", async () => {
    const t = await gatewayTenant("VAULT_ONLY", { vaulted: true });
    expect((await chat(t.apiKey, "openai")).upstreamKey).toBe(t.vaulted.openai!.secret);
    const replacement = providerSecret("openai");
    await replaceProviderKey(t.ctx, t.vaulted.openai!.id, { secret: replacement });
    expect((await chat(t.apiKey, "openai")).upstreamKey).toBe(replacement);
    expect((await chat(t.apiKey, "openai", { stream: true })).upstreamKey).toBe(replacement);
    await revokeProviderKey(t.ctx, t.vaulted.openai!.id);
    expect(await chat(t.apiKey, "openai")).toMatchObject({ status: 400, code: "vault_key_missing", upstreamKey: null });
    // A new key for the scope is used at once, too.
    const added = await makeProviderKey(t.ctx, { provider: "openai" });
    expect((await chat(t.apiKey, "openai")).upstreamKey).toBe(added.secret);
  });

  it.each(["replace", "revoke"] as const)("a %s that lands while a request is reading the old key counts for every request after it", async (change) => {
    const t = await gatewayTenant("VAULT_ONLY", { vaulted: true });
    clearVaultCache();
    const pool = pgPool();
    const query = pool.query;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let reached!: () => void;
    const readDone = new Promise<void>((resolve) => (reached = resolve));
    // The vault's read gets the old row, then is held until the change is made.
    pool.query = async function (this: typeof pool, ...args: unknown[]) {
      const result = await (query as (...a: unknown[]) => Promise<unknown>).apply(pool, args);
      const text = typeof args[0] === "string" ? args[0] : (args[0] as { text?: string }).text;
      if (text?.includes("live_scope IN")) {
        reached();
        await gate;
      }
      return result;
    } as unknown as typeof pool.query;
    try {
      const first = chat(t.apiKey, "openai");
      await readDone;
      pool.query = query;
      const replacement = providerSecret("openai");
      if (change === "replace") await replaceProviderKey(t.ctx, t.vaulted.openai!.id, { secret: replacement });
      else await revokeProviderKey(t.ctx, t.vaulted.openai!.id);
      const expected = change === "replace" ? { status: 200, upstreamKey: replacement } : { status: 400, code: "vault_key_missing", upstreamKey: null };
      // One request arriving while the stale read is still under way, one after it.
      const during = chat(t.apiKey, "openai");
      await sleep(100);
      release();
      await first;
      expect(await during).toMatchObject(expected);
      expect(await chat(t.apiKey, "openai")).toMatchObject(expected);
      expect(await chat(t.apiKey, "openai", { stream: true })).toMatchObject(expected);
    } finally {
      pool.query = query;
      release();
    }
  });

  it(`applies a change made on another instance within ${VAULT_CACHE_TTL_MS} ms`, async () => {
    expect(VAULT_CACHE_TTL_MS).toBe(5_000);
    const t = await gatewayTenant("VAULT_ONLY", { vaulted: true });
    const original = t.vaulted.openai!;
    const start = Date.now();
    vi.useFakeTimers({ toFake: ["Date"], now: start });
    clearVaultCache();
    expect((await chat(t.apiKey, "openai")).upstreamKey).toBe(original.secret);

    // Another instance replaces the key: its cache is cleared, not this one's.
    const replacement = providerSecret("openai");
    const [row] = await credentialRows({ ids: [original.id] });
    const binding = { orgId: t.org.id, credentialId: original.id, projectId: null, provider: "openai", fingerprint: fingerprintOf(replacement), last4: last4Of(replacement) };
    const sealed = seal(keyRing(), binding, replacement);
    await db.providerCredential.update({
      where: { id: row!.id },
      data: { fingerprint: binding.fingerprint, last4: binding.last4, kekId: sealed.kekId, wrappedDek: new Uint8Array(sealed.wrappedDek), ciphertext: new Uint8Array(sealed.ciphertext) },
    });
    expect((await chat(t.apiKey, "openai")).upstreamKey).toBe(original.secret);
    vi.setSystemTime(start + VAULT_CACHE_TTL_MS - 1);
    expect((await chat(t.apiKey, "openai")).upstreamKey).toBe(original.secret);
    vi.setSystemTime(start + VAULT_CACHE_TTL_MS);
    expect((await chat(t.apiKey, "openai")).upstreamKey).toBe(replacement);

    // Another instance revokes it.
    await db.providerCredential.update({ where: { id: original.id }, data: { revokedAt: new Date(), liveScope: null, kekId: null, wrappedDek: null, ciphertext: null } });
    expect((await chat(t.apiKey, "openai")).upstreamKey).toBe(replacement);
    vi.setSystemTime(start + 2 * VAULT_CACHE_TTL_MS);
    expect(await chat(t.apiKey, "openai")).toMatchObject({ status: 400, code: "vault_key_missing", upstreamKey: null });
  });
});

describe("a vaulted key that cannot be opened", () => {
  const corruptions: [string, (row: { ciphertext: Buffer; wrapped_dek: Buffer }) => Record<string, unknown>][] = [
    ["a byte of the ciphertext", (row) => ({ ciphertext: new Uint8Array(Buffer.from(row.ciphertext).map((b, i) => (i === 20 ? b ^ 0x01 : b))) })],
    ["a byte of the wrapped data key", (row) => ({ wrappedDek: new Uint8Array(Buffer.from(row.wrapped_dek).map((b, i) => (i === 30 ? b ^ 0x80 : b))) })],
    ["the ciphertext cut short", (row) => ({ ciphertext: new Uint8Array(row.ciphertext.subarray(0, 20)) })],
    ["a KEK id missing from the ring", () => ({ kekId: "not-in-the-ring" })],
    ["an unknown format version", () => ({ formatVersion: 2 })],
  ];

  it.each(corruptions)("%s: 503 vault_unavailable, no upstream call, no key material in the answer or the logs", async (_name, corrupt) => {
    const t = await gatewayTenant("EITHER", { vaulted: true });
    const { id, secret } = t.vaulted.openai!;
    const [row] = await credentialRows({ ids: [id] });
    await db.providerCredential.update({ where: { id }, data: corrupt({ ciphertext: row!.ciphertext!, wrapped_dek: row!.wrapped_dek! }) });
    clearVaultCache();

    const logged: string[] = [];
    const capture = (chunk: unknown) => {
      logged.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stderr, "write").mockImplementation(capture);
    vi.spyOn(process.stdout, "write").mockImplementation(capture);
    const res = await chat(t.apiKey, "openai");
    const streamed = await chat(t.apiKey, "openai", { stream: true });
    const listed = await models(t.apiKey, "openai");
    vi.restoreAllMocks();

    for (const r of [res, streamed, listed]) {
      expect([r.status, r.code, r.upstreamKey]).toEqual([503, "vault_unavailable", null]);
      expect(JSON.parse(r.text)).toMatchObject({ error: { message: "The stored provider key cannot be used right now." } });
    }
    const logs = logged.join("");
    expect(logs).toContain("vault.open_failed");
    expect(logs).toContain(id);
    const material = [secret, process.env.MASTER_KEY ?? "", Buffer.from(process.env.MASTER_KEY ?? "", "base64").toString("hex"), row!.ciphertext!.toString("hex"), row!.wrapped_dek!.toString("hex"), row!.ciphertext!.toString("base64"), row!.wrapped_dek!.toString("base64")].filter(Boolean);
    for (const text of [logs, res.text, streamed.text, listed.text]) {
      expectNoKeyMaterial(text, [secret]);
      for (const m of material) expect(text).not.toContain(m);
    }
    // The caller's own key still works under EITHER, and the other provider's vaulted key is unaffected.
    expect((await chat(t.apiKey, "openai", { providerKey: CALLER_KEY.openai })).upstreamKey).toBe(CALLER_KEY.openai);
    expect((await chat(t.apiKey, "anthropic")).upstreamKey).toBe(t.vaulted.anthropic!.secret);
  });
});

describe("the openai package as the caller, on a vaulted key", () => {
  function gatewayFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const url = new URL(input instanceof Request ? input.url : input);
    const req = new NextRequest(url, { ...init, headers: { "x-forwarded-for": "203.0.113.9", ...Object.fromEntries(new Headers(init?.headers)) } } as never);
    return url.pathname.endsWith("/chat/completions") ? chatRoute(req) : modelsRoute(req);
  }

  it.each(["VAULT_ONLY", "EITHER"] as const)("%s: JSON and streamed completions for both providers; no key in responses or usage", async (mode) => {
    const t = await gatewayTenant(mode, { vaulted: true });
    await db.orgSettings.update({ where: { orgId: t.org.id }, data: { storePrompts: true, storeResponses: true } });
    const responses: string[] = [];
    const fetchAndKeep = async (input: string | URL | Request, init?: RequestInit) => {
      const response = await gatewayFetch(input, init);
      responses.push(JSON.stringify([...response.headers]));
      return response;
    };
    const sdk = new OpenAI({ baseURL: "http://gatehouse.test/api/v1", apiKey: t.apiKey, fetch: fetchAndKeep, maxRetries: 0 });
    for (const provider of ["openai", "anthropic"] as const) {
      const before = upstream.requests.length;
      const completion = await sdk.chat.completions.create({ model: MODELS[provider], messages: [{ role: "user", content: "tell me about vaults" }] });
      expect(completion.choices[0]?.message.content).toBe("Echo: tell me about vaults");
      responses.push(JSON.stringify(completion));
      const stream = await sdk.chat.completions.create({ model: MODELS[provider], stream: true, messages: [{ role: "user", content: "one two three" }] });
      let text = "";
      for await (const chunk of stream) {
        responses.push(JSON.stringify(chunk));
        text += chunk.choices[0]?.delta?.content ?? "";
      }
      expect(text).toBe("Echo: one two three");
      const seen = upstream.requests.slice(before).map(keyOf);
      expect(seen).toEqual([t.vaulted[provider]!.secret, t.vaulted[provider]!.secret]);
    }
    // A provider error that echoes the key it was given (masked) reaches the caller without it.
    const refused = await sdk.chat.completions.create({ model: "openai/error-401", messages: [{ role: "user", content: "x" }] }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 401 });
    responses.push(JSON.stringify(refused), String((refused as Error).message));
    expect(keyOf(upstream.requests.at(-1)!)).toBe(t.vaulted.openai!.secret);

    await sleep(50);
    await flushUsage();
    const usage = await db.$queryRaw<{ row: string }[]>`SELECT to_jsonb(u)::text AS row FROM usage_records u WHERE org_id = ${t.org.id}::uuid`;
    const contents = await db.$queryRaw<{ row: string }[]>`SELECT to_jsonb(c)::text AS row FROM usage_contents c WHERE org_id = ${t.org.id}::uuid`;
    expect(usage).toHaveLength(5);
    expect(contents.length).toBeGreaterThan(0);
    const secrets = Object.values(t.vaulted).map((v) => v.secret);
    const masked = secrets.map((s) => `${s.slice(0, 8)}${"*".repeat(24)}${s.slice(-4)}`);
    for (const text of [...responses, ...usage.map((r) => r.row), ...contents.map((r) => r.row)]) {
      expectNoKeyMaterial(text, secrets);
      for (const m of masked) expect(text).not.toContain(m);
    }
  });
});
