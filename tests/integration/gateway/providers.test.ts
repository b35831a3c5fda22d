import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adapterFor, chatCompletion, listModels } from "@/lib/gateway/providers";
import type { ChatCompletionRequest } from "@/lib/gateway/schemas";
import type { ChatOptions, ChatOutcome, Provider, StreamOutcome } from "@/lib/gateway/types";
import { createUpstreamClient, type UpstreamClient } from "@/lib/gateway/upstream";
import { startUpstreamServer, type UpstreamServer } from "@/tests/support/upstream-server";

/** The adapters against a local server speaking both providers' real protocols. */
const KEYS = { openai: "sk-proj-test-0123456789abcdefghijklmnopqrstuv", anthropic: "sk-ant-api03-test-0123456789abcdefghijklmnop" };
const MODELS = { openai: "openai/gpt-4o-mini", anthropic: "anthropic/claude-sonnet-4-5" };

const chat = (model: string, body: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  model,
  messages: [{ role: "system", content: "Be kind." }, { role: "user", content: "hello there world" }],
  ...body,
});

function asStream(outcome: ChatOutcome): StreamOutcome {
  if (outcome.kind !== "stream") throw new Error(`expected a stream, got ${JSON.stringify(outcome)}`);
  return outcome;
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<{ text: string; arrivals: number[] }> {
  const decoder = new TextDecoder();
  const arrivals: number[] = [];
  let text = "";
  for await (const piece of stream) {
    arrivals.push(performance.now());
    text += decoder.decode(piece, { stream: true });
  }
  return { text, arrivals };
}

const dataEvents = (text: string): unknown[] =>
  text
    .split("\n\n")
    .filter((e) => e.startsWith("data: "))
    .map((e) => e.slice(6))
    .map((d) => (d === "[DONE]" ? d : JSON.parse(d)));

describe("provider adapters against the upstream stand-in", () => {
  let server: UpstreamServer;
  let client: UpstreamClient;
  const target = (provider: Provider) => ({ provider, baseUrl: provider === "openai" ? server.openaiBaseUrl : server.anthropicBaseUrl, apiKey: KEYS[provider] });
  const run = (provider: Provider, request: ChatCompletionRequest, options: ChatOptions = {}) => chatCompletion(target(provider), request, { client, ...options });

  beforeAll(async () => {
    server = await startUpstreamServer({ openaiKey: KEYS.openai, anthropicKey: KEYS.anthropic });
    client = createUpstreamClient({ allowPrivate: true, timeoutMs: 5_000 });
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  describe.each(["openai", "anthropic"] as const)("%s", (provider) => {
    it("answers a chat completion in OpenAI's shape, with usage and (when asked) the text", async () => {
      const outcome = await run(provider, chat(MODELS[provider]), { collectText: true });
      expect(outcome).toMatchObject({
        kind: "json",
        status: 200,
        body: { object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content: "Echo: hello there world" }, finish_reason: "stop" }] },
        text: "Echo: hello there world",
      });
      // "Be kind." and "hello there world": 5 words in; "Echo: hello there world": 4 out.
      expect(outcome).toMatchObject({ usage: { promptTokens: 5, completionTokens: 4, totalTokens: 9 }, body: { usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 } } });
      expect(await run(provider, chat(MODELS[provider]))).toMatchObject({ kind: "json", text: null });
    });

    it("streams OpenAI chunks ending with [DONE], and reports usage and text when done", async () => {
      const outcome = asStream(await run(provider, chat(MODELS[provider], { stream: true }), { collectText: true }));
      const { text } = await readAll(outcome.stream);
      const events = dataEvents(text);
      expect(events.at(-1)).toBe("[DONE]");
      const chunks = events.slice(0, -1) as { object: string; choices: { delta: { content?: string }; finish_reason: string | null }[]; usage?: unknown }[];
      expect(chunks.every((c) => c.object === "chat.completion.chunk" && c.choices.length === 1)).toBe(true);
      expect(chunks.map((c) => c.choices[0]!.delta.content ?? "").join("")).toBe("Echo: hello there world");
      expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe("stop");
      expect(await outcome.done).toEqual({ usage: { promptTokens: 5, completionTokens: 4, totalTokens: 9 }, text: "Echo: hello there world" });
    });

    it("keeps the usage chunk when the caller asked for it", async () => {
      const outcome = asStream(await run(provider, chat(MODELS[provider], { stream: true, stream_options: { include_usage: true } })));
      const events = dataEvents((await readAll(outcome.stream)).text);
      expect(events.at(-2)).toMatchObject({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 } });
      expect((await outcome.done).usage).toEqual({ promptTokens: 5, completionTokens: 4, totalTokens: 9 });
    });

    it("delivers chunk by chunk: the first arrives long before the upstream finishes", async () => {
      server.tokenDelayMs = 60;
      try {
        const started = performance.now();
        const outcome = asStream(await run(provider, chat(MODELS[provider], { stream: true })));
        const { arrivals } = await readAll(outcome.stream);
        const total = arrivals.at(-1)! - started;
        expect(arrivals.length).toBeGreaterThanOrEqual(5);
        expect(arrivals[0]! - started).toBeLessThan(total / 2);
        expect(total).toBeGreaterThan(6 * 60 - 30);
      } finally {
        server.tokenDelayMs = 0;
      }
    });

    it("translates tool definitions and tool calls, JSON and streamed", async () => {
      const tools = [{ type: "function" as const, function: { name: "lookup", parameters: { type: "object", properties: { query: { type: "string" } } } } }];
      const json = await run(provider, chat(MODELS[provider], { tools }));
      expect(json).toMatchObject({
        kind: "json",
        body: { choices: [{ finish_reason: "tool_calls", message: { tool_calls: [{ type: "function", function: { name: "lookup", arguments: '{"query":"hello there world"}' } }] } }] },
      });
      const stream = asStream(await run(provider, chat(MODELS[provider], { tools, stream: true })));
      const chunks = dataEvents((await readAll(stream.stream)).text).slice(0, -1) as { choices: { delta: { tool_calls?: { function: { arguments: string } }[] }; finish_reason: string | null }[] }[];
      expect(chunks.map((c) => c.choices[0]?.delta.tool_calls?.[0]?.function.arguments ?? "").join("")).toBe('{"query":"hello there world"}');
      expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe("tool_calls");
    });

    it.each([400, 404, 429, 500])("maps an upstream %i to OpenAI's error shape, keeping the status", async (status) => {
      const outcome = await run(provider, chat(`${provider}/error-${status}`));
      expect(outcome).toMatchObject({ kind: "error", status, code: "upstream_error", body: { error: { message: expect.any(String), type: expect.any(String), param: null } } });
    });

    it("a wrong key is the provider's 401, and the key appears nowhere in the answer", async () => {
      const wrong = `${KEYS[provider]}-wrong-WRONG`;
      const outcome = await chatCompletion({ ...target(provider), apiKey: wrong }, chat(MODELS[provider]), { client });
      expect(outcome).toMatchObject({ kind: "error", status: 401, body: { error: { type: provider === "openai" ? "invalid_request_error" : "authentication_error" } } });
      const text = JSON.stringify(outcome);
      expect(text).not.toContain(wrong);
      expect(text).not.toContain(wrong.slice(-4));
      expect(text).not.toContain(KEYS[provider]);
    });

    it("lists models in OpenAI's shape", async () => {
      const outcome = await listModels(target(provider), { client });
      expect(outcome).toMatchObject({ kind: "json", status: 200, body: { object: "list" } });
      const data = outcome.kind === "json" ? outcome.body.data : [];
      expect(data.length).toBeGreaterThan(0);
      for (const model of data) expect(model).toEqual({ id: expect.any(String), object: "model", created: expect.any(Number), owned_by: provider === "openai" ? "system" : "anthropic" });
      expect(await listModels({ ...target(provider), apiKey: "nope" }, { client })).toMatchObject({ kind: "error", status: 401 });
    });
  });

  it("OpenAI: forwards the body as is (model de-prefixed, unknown fields kept) with a Bearer key; asks for usage on streams", async () => {
    server.requests.length = 0;
    await run("openai", chat("openai/gpt-4o", { temperature: 0.5, seed: 3, reasoning_effort: "low" } as Partial<ChatCompletionRequest>));
    await readAll(asStream(await run("openai", chat("gpt-4o", { stream: true, stream_options: { include_usage: false } }))).stream);
    const [json, stream] = server.requests;
    expect(json).toMatchObject({ method: "POST", path: "/v1/chat/completions", headers: { authorization: `Bearer ${KEYS.openai}` } });
    expect(json!.body).toEqual({ ...chat("gpt-4o"), temperature: 0.5, seed: 3, reasoning_effort: "low" });
    expect(stream!.body).toMatchObject({ model: "gpt-4o", stream: true, stream_options: { include_usage: true } });
  });

  it("Anthropic: POST /v1/messages with x-api-key and anthropic-version, translated body", async () => {
    server.requests.length = 0;
    await run("anthropic", chat("claude-3-5-haiku-latest", { stop: "END", max_tokens: 50 }));
    expect(server.requests[0]).toMatchObject({
      method: "POST",
      path: "/v1/messages",
      headers: { "x-api-key": KEYS.anthropic, "anthropic-version": "2023-06-01" },
      body: { model: "claude-3-5-haiku-latest", system: "Be kind.", max_tokens: 50, stop_sequences: ["END"], messages: [{ role: "user", content: [{ type: "text", text: "hello there world" }] }] },
    });
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    expect(await run("anthropic", chat("claude-x", { n: 2 }))).toMatchObject({ kind: "error", status: 400, code: "unsupported_parameter", body: { error: { param: "n" } } });
  });

  it("reuses upstream connections (keep-alive)", async () => {
    const before = server.connections;
    for (let i = 0; i < 5; i++) await run("openai", chat("gpt-4o"));
    for (let i = 0; i < 3; i++) await readAll(asStream(await run("anthropic", chat("claude-x", { stream: true }))).stream);
    expect(server.connections - before).toBeLessThanOrEqual(1);
  });

  it("adapterFor picks the adapter by provider", () => {
    expect(adapterFor("openai")).not.toBe(adapterFor("anthropic"));
  });
});
