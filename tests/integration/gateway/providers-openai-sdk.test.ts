import OpenAI, { APIError } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveProvider } from "@/lib/gateway/models";
import { chatCompletion, listModels } from "@/lib/gateway/providers";
import { chatCompletionRequestSchema } from "@/lib/gateway/schemas";
import type { ChatOutcome, ModelsOutcome, Provider } from "@/lib/gateway/types";
import { createUpstreamClient, type UpstreamClient } from "@/lib/gateway/upstream";
import { startUpstreamServer, type UpstreamServer } from "@/tests/support/upstream-server";

/**
 * The official OpenAI SDK reads what the adapters produce: a minimal gateway
 * (its `fetch`) parses the request, routes it by model, and answers with the
 * adapter's outcome as it is. Whatever the SDK accepts, OpenAI clients accept.
 */
describe("adapter output read by the openai SDK", () => {
  let server: UpstreamServer;
  let upstream: UpstreamClient;
  let sdk: OpenAI;

  function respond(outcome: ChatOutcome | ModelsOutcome): Response {
    if (outcome.kind === "stream") return new Response(outcome.stream, { status: outcome.status, headers: { "content-type": "text/event-stream" } });
    return Response.json(outcome.body, { status: outcome.status });
  }

  async function gateway(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const url = new URL(input instanceof Request ? input.url : input);
    const target = (provider: Provider) => ({ provider, baseUrl: provider === "openai" ? server.openaiBaseUrl : server.anthropicBaseUrl, apiKey: "upstream-key" });
    if (url.pathname === "/v1/models") return respond(await listModels(target("anthropic"), { client: upstream }));
    const request = chatCompletionRequestSchema.parse(JSON.parse(String(init?.body)));
    const { provider } = resolveProvider(request.model);
    return respond(await chatCompletion(target(provider), request, { client: upstream, signal: init?.signal ?? undefined }));
  }

  beforeAll(async () => {
    server = await startUpstreamServer();
    upstream = createUpstreamClient({ allowPrivate: true, timeoutMs: 5_000 });
    sdk = new OpenAI({ baseURL: "http://gateway.test/v1", apiKey: "gateway-key", fetch: gateway, maxRetries: 0 });
  });
  afterAll(async () => {
    await upstream.close();
    await server.close();
  });

  const messages = [
    { role: "system" as const, content: "Be brief." },
    { role: "user" as const, content: "tell me about otters" },
  ];
  const tools = [{ type: "function" as const, function: { name: "search", parameters: { type: "object", properties: { query: { type: "string" } } } } }];

  it.each(["anthropic/claude-sonnet-4-5", "gpt-4o-mini"])("%s: a chat completion", async (model) => {
    const completion = await sdk.chat.completions.create({ model, messages });
    expect(completion.object).toBe("chat.completion");
    expect(completion.choices[0]?.message).toMatchObject({ role: "assistant", content: "Echo: tell me about otters" });
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    expect(completion.usage).toMatchObject({ prompt_tokens: 6, completion_tokens: 5, total_tokens: 11 });
  });

  it("Anthropic's event stream, through the SDK's streaming API, with the usage chunk asked for", async () => {
    const stream = await sdk.chat.completions.create({ model: "anthropic/claude-sonnet-4-5", messages, stream: true, stream_options: { include_usage: true } });
    let text = "";
    const finishes: (string | null)[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      expect(chunk.object).toBe("chat.completion.chunk");
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.choices[0]) finishes.push(chunk.choices[0].finish_reason);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe("Echo: tell me about otters");
    expect(finishes.at(-1)).toBe("stop");
    expect(finishes.slice(0, -1).every((f) => f === null)).toBe(true);
    expect(usage).toMatchObject({ prompt_tokens: 6, completion_tokens: 5, total_tokens: 11 });
  });

  it.each(["anthropic/claude-sonnet-4-5", "gpt-4o-mini"])("%s: the SDK's stream helper assembles a streamed tool call", async (model) => {
    const runner = sdk.chat.completions.stream({ model, messages, tools });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(final.choices[0]?.finish_reason).toBe("tool_calls");
    expect(call?.type === "function" && call.function).toMatchObject({ name: "search", arguments: '{"query":"tell me about otters"}' });
  });

  it("OpenAI: no usage chunk reaches a caller that did not ask for one", async () => {
    const stream = await sdk.chat.completions.create({ model: "gpt-4o-mini", messages, stream: true });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.every((c) => c.choices.length === 1)).toBe(true);
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect(server.requests.at(-1)?.body).toMatchObject({ stream_options: { include_usage: true } });
  });

  it.each([
    ["anthropic/error-429", 429],
    ["anthropic/error-529", 529],
    ["openai/error-404", 404],
  ])("%s: the SDK raises an APIError with the upstream status", async (model, status) => {
    const error = await sdk.chat.completions.create({ model, messages }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(status);
    expect((error as APIError).message).toMatch(/\w/);
  });

  it.each(["anthropic/stream-error", "openai/stream-error"])("%s: an error event mid-stream raises an APIError", async (model) => {
    const stream = await sdk.chat.completions.create({ model, messages, stream: true });
    const consume = async () => {
      for await (const _chunk of stream) void _chunk;
    };
    await expect(consume()).rejects.toBeInstanceOf(APIError);
  });

  it("lists Anthropic's models as OpenAI models", async () => {
    const page = await sdk.models.list();
    expect(page.data).toEqual([{ id: "claude-sonnet-4-5-20250929", object: "model", created: Date.parse("2025-09-29T00:00:00Z") / 1000, owned_by: "anthropic" }]);
  });
});
