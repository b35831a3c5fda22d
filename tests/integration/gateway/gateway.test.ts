import { NextRequest } from "next/server";
import OpenAI, { APIError } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as chatRoute } from "@/app/api/v1/chat/completions/route";
import { GET as modelsRoute } from "@/app/api/v1/models/route";
import { db } from "@/lib/db/client";
import { flushUsage } from "@/lib/gateway/usage";
import { startUpstreamServer, type UpstreamServer } from "@/tests/support/upstream-server";
import { makeApiKey, makeTenant, type Tenant } from "../../support/fixtures";

/**
 * The SDK gateway end to end in one process: the official `openai` package is
 * the caller (its fetch goes straight into our route handlers), and a local
 * server speaking OpenAI's and Anthropic's HTTP protocols is the upstream.
 */
const PROVIDER_KEY = "sk-upstream-test-0123456789abcdef";

let upstream: UpstreamServer;
let tenant: Tenant;

function gatewayFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const url = new URL(input instanceof Request ? input.url : input);
  const req = new NextRequest(url, { ...init, headers: { "x-forwarded-for": "203.0.113.9", ...Object.fromEntries(new Headers(init?.headers)) } } as never);
  return url.pathname.endsWith("/chat/completions") ? chatRoute(req) : modelsRoute(req);
}

function client(apiKey: string, headers: Record<string, string> = { "X-Provider-Key": PROVIDER_KEY }) {
  return new OpenAI({ baseURL: "http://gatehouse.test/api/v1", apiKey, fetch: gatewayFetch, maxRetries: 0, defaultHeaders: headers });
}

beforeAll(async () => {
  upstream = await startUpstreamServer({ openaiKey: PROVIDER_KEY, anthropicKey: PROVIDER_KEY });
  process.env.OPENAI_BASE_URL = upstream.openaiBaseUrl;
  process.env.ANTHROPIC_BASE_URL = upstream.anthropicBaseUrl;
  process.env.GATEWAY_ALLOW_PRIVATE_UPSTREAMS = "true";
  tenant = await makeTenant("Gateway");
});

afterAll(async () => {
  await upstream.close();
});

describe("the SDK gateway", () => {
  it("answers a chat completion and forwards only the provider key upstream", async () => {
    const res = await client(tenant.apiKey.secret).chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hello there" }] });
    expect(res.choices[0]!.message.content).toBe("Echo: hello there");
    expect(res.usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) });
    const seen = upstream.requests.at(-1)!;
    expect(seen.headers.authorization).toBe(`Bearer ${PROVIDER_KEY}`);
    expect(JSON.stringify(seen.headers)).not.toContain(tenant.apiKey.secret);
  });

  it("streams token by token, for OpenAI and for Anthropic models alike", async () => {
    for (const model of ["gpt-4o-mini", "claude-3-5-haiku-latest", "anthropic/claude-sonnet-4"]) {
      const stream = await client(tenant.apiKey.secret).chat.completions.create({ model, stream: true, messages: [{ role: "user", content: "one two three four" }] });
      const pieces: string[] = [];
      for await (const chunk of stream) if (chunk.choices[0]?.delta?.content) pieces.push(chunk.choices[0].delta.content);
      expect(pieces.length, model).toBeGreaterThan(3);
      expect(pieces.join("")).toBe("Echo: one two three four");
    }
    const anthropic = upstream.requests.filter((r) => r.path === "/v1/messages").at(-1)!;
    expect(anthropic.headers["x-api-key"]).toBe(PROVIDER_KEY);
    expect((anthropic.body as { model: string }).model).toBe("claude-sonnet-4");
  });

  it("cancels the upstream request when the caller goes away mid-stream", async () => {
    upstream.tokenDelayMs = 50;
    const before = upstream.disconnects;
    const controller = new AbortController();
    const stream = await client(tenant.apiKey.secret).chat.completions.create(
      { model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "a b c d e f g h i j k l m n o p" }] },
      { signal: controller.signal },
    );
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta?.content) {
        controller.abort();
        break;
      }
    }
    await upstream.waitForDisconnects(before + 1);
    upstream.tokenDelayMs = 0;
  });

  it("reports our refusals and the provider's errors in OpenAI's error shape", async () => {
    const noKey = client(tenant.apiKey.secret, {});
    await expect(noKey.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] })).rejects.toMatchObject({
      status: 400,
      code: "provider_key_missing",
    });
    const wrongProviderKey = client(tenant.apiKey.secret, { "X-Provider-Key": "sk-wrong" });
    const refused = await wrongProviderKey.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(APIError);
    expect((refused as APIError).status).toBe(401);
    expect(JSON.stringify((refused as APIError).error)).not.toContain("sk-wrong");
    await expect(client("ghk1_nope").models.list()).rejects.toMatchObject({ status: 401, code: "invalid_api_key" });
    await expect(
      client(tenant.apiKey.secret).chat.completions.create({ model: "gpt-4o-mini", messages: [] as never }),
    ).rejects.toMatchObject({ status: 422, code: "validation_failed" });
  });

  it("refuses an oversized body with 413 before reading it all", async () => {
    const huge = "x".repeat(5 * 1024 * 1024);
    await expect(client(tenant.apiKey.secret).chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: huge }] })).rejects.toMatchObject({
      status: 413,
      code: "payload_too_large",
    });
  });

  it("lists models with a models-scoped key", async () => {
    const key = await makeApiKey(tenant.org.id, tenant.project.id, { scopes: ["models"] });
    const page = await client(key.secret).models.list();
    expect(page.data.length).toBeGreaterThan(0);
    await expect(client(key.secret).chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] })).rejects.toMatchObject({
      status: 403,
      code: "insufficient_scope",
    });
  });

  it("records usage per request, and no prompt or response text unless the org asked", async () => {
    const t = await makeTenant("Usage");
    const sdk = client(t.apiKey.secret);
    await sdk.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "secret plans" }] });
    const stream = await sdk.chat.completions.create({ model: "claude-3-5-haiku-latest", stream: true, messages: [{ role: "user", content: "more secret plans" }] });
    for await (const _ of stream) void _;
    await sdk.chat.completions.create({ model: "error-429", messages: [{ role: "user", content: "x" }] }).catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 50));
    await flushUsage();

    const rows = await db.usageRecord.findMany({ where: { apiKeyId: t.apiKey.id }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => [r.provider, r.model, r.stream, r.status])).toEqual([
      ["openai", "gpt-4o-mini", false, 200],
      ["anthropic", "claude-3-5-haiku-latest", true, 200],
      ["openai", "error-429", false, 429],
    ]);
    expect(rows[0]).toMatchObject({ orgId: t.org.id, projectId: t.project.id, promptTokens: expect.any(Number), totalTokens: expect.any(Number) });
    expect(rows[1]!.completionTokens).toBeGreaterThan(0);
    expect(await db.usageContent.count({ where: { orgId: t.org.id } })).toBe(0);
    const key = await db.apiKey.findUniqueOrThrow({ where: { id: t.apiKey.id } });
    expect(key.lastUsedAt).not.toBeNull();

    // An org that turned storage on keeps the text of its own requests.
    const keeping = await makeTenant("Keeping");
    await db.orgSettings.update({ where: { orgId: keeping.org.id }, data: { storePrompts: true, storeResponses: true } });
    await client(keeping.apiKey.secret).chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "keep this" }] });
    await flushUsage();
    const stored = await db.usageContent.findMany({ where: { orgId: keeping.org.id } });
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored[0]!.prompt)).toContain("keep this");
    expect(stored[0]!.response).toBe("Echo: keep this");
  });

  it("stores no provider key anywhere", async () => {
    await flushUsage();
    const dump = await db.$queryRaw<{ t: string }[]>`
      SELECT concat_ws(' ', (SELECT string_agg(u::text, ' ') FROM usage_records u), (SELECT string_agg(c::text, ' ') FROM usage_contents c),
        (SELECT string_agg(a::text, ' ') FROM audit_logs a), (SELECT string_agg(k::text, ' ') FROM api_keys k)) AS t`;
    expect(dump[0]!.t).not.toContain(PROVIDER_KEY);
  });
});
