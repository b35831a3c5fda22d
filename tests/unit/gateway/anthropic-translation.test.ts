import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_TOKENS, toAnthropicRequest, UntranslatableRequest } from "@/lib/gateway/providers/anthropic-request";
import { finishReason, fromAnthropicMessage } from "@/lib/gateway/providers/anthropic-response";
import { AnthropicStreamTranslator } from "@/lib/gateway/providers/anthropic-stream";
import { chatCompletionRequestSchema, type ChatCompletionRequest } from "@/lib/gateway/schemas";

const request = (body: Record<string, unknown>): ChatCompletionRequest =>
  chatCompletionRequestSchema.parse({ model: "anthropic/claude-sonnet-4-5", messages: [{ role: "user", content: "hi" }], ...body });

function refusal(body: Record<string, unknown>): { code: string; param: string } {
  try {
    toAnthropicRequest(request(body));
  } catch (error) {
    if (error instanceof UntranslatableRequest) return { code: error.code, param: error.param };
    throw error;
  }
  throw new Error("translated");
}

describe("OpenAI request → Anthropic", () => {
  it("system and developer messages become `system`; defaults; sampling; stop; user", () => {
    const body = toAnthropicRequest(
      request({
        messages: [
          { role: "system", content: "Be brief." },
          { role: "developer", content: [{ type: "text", text: "Answer in French." }] },
          { role: "user", content: "Bonjour" },
        ],
        temperature: 0.3,
        top_p: 0.9,
        stop: "END",
        user: "user-7",
        seed: 1,
        presence_penalty: 1,
        stream: true,
      }),
    );
    expect(body).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: DEFAULT_MAX_TOKENS,
      system: "Be brief.\n\nAnswer in French.",
      messages: [{ role: "user", content: [{ type: "text", text: "Bonjour" }] }],
      temperature: 0.3,
      top_p: 0.9,
      stop_sequences: ["END"],
      metadata: { user_id: "user-7" },
      stream: true,
    });
    expect(toAnthropicRequest(request({ max_tokens: 10, max_completion_tokens: 20 })).max_tokens).toBe(20);
    expect(toAnthropicRequest(request({ max_tokens: 10 })).max_tokens).toBe(10);
  });

  it("images, tools, tool calls and tool results; consecutive turns merged, results first", () => {
    const body = toAnthropicRequest(
      request({
        messages: [
          { role: "user", content: [{ type: "text", text: "What is this?" }, { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } }] },
          { role: "user", content: [{ type: "image_url", image_url: { url: "https://img.test/cat.jpg" } }] },
          { role: "assistant", content: "Let me check.", tool_calls: [{ id: "call_1", type: "function", function: { name: "lookup", arguments: '{"q":"cat"}' } }] },
          { role: "tool", tool_call_id: "call_1", content: "a cat" },
          { role: "user", content: "Thanks" },
        ],
        tools: [{ type: "function", function: { name: "lookup", description: "Look up", parameters: { type: "object", properties: { q: { type: "string" } } } } }, { type: "function", function: { name: "noop" } }],
        tool_choice: "required",
        parallel_tool_calls: false,
      }),
    );
    expect(body.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
          { type: "image", source: { type: "url", url: "https://img.test/cat.jpg" } },
        ],
      },
      { role: "assistant", content: [{ type: "text", text: "Let me check." }, { type: "tool_use", id: "call_1", name: "lookup", input: { q: "cat" } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "call_1", content: "a cat" }, { type: "text", text: "Thanks" }] },
    ]);
    expect(body.tools).toEqual([
      { name: "lookup", description: "Look up", input_schema: { type: "object", properties: { q: { type: "string" } } } },
      { name: "noop", input_schema: { type: "object", properties: {} } },
    ]);
    expect(body.tool_choice).toEqual({ type: "any", disable_parallel_tool_use: true });
  });

  it.each([
    ["auto", { type: "auto" }],
    ["none", { type: "none" }],
    [{ type: "function", function: { name: "lookup" } }, { type: "tool", name: "lookup" }],
  ])("tool_choice %j → %j", (choice, expected) => {
    const tools = [{ type: "function", function: { name: "lookup" } }];
    expect(toAnthropicRequest(request({ tools, tool_choice: choice })).tool_choice).toEqual(expected);
  });

  it.each([
    [{ n: 2 }, "unsupported_parameter", "n"],
    [{ response_format: { type: "json_object" } }, "unsupported_parameter", "response_format"],
    [{ logprobs: true }, "unsupported_parameter", "logprobs"],
    [{ temperature: 1.5 }, "unsupported_parameter", "temperature"],
    [{ messages: [{ role: "user", content: [{ type: "input_audio", input_audio: { data: "x", format: "wav" } }] }] }, "unsupported_parameter", "messages[0].content[0].type"],
    [{ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "ftp://x/y.png" } }] }] }, "unsupported_parameter", "messages[0].content[0].image_url.url"],
    [{ messages: [{ role: "assistant", tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{oops" } }] }] }, "invalid_request", "messages[0].tool_calls[0].function.arguments"],
    [{ messages: [{ role: "system", content: "only a system prompt" }] }, "invalid_request", "messages"],
    [{ tools: [{ type: "custom", custom: { name: "x" } }] }, "unsupported_parameter", "tools[0].type"],
  ])("refuses %j with %s at %s", (body, code, param) => {
    expect(refusal(body)).toEqual({ code, param });
  });
});

describe("Anthropic response → OpenAI", () => {
  it("maps the message, tool calls, finish reason and usage (cached input included)", () => {
    const out = fromAnthropicMessage({
      id: "msg_1",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-5",
      content: [
        { type: "text", text: "Checking." },
        { type: "tool_use", id: "toolu_1", name: "lookup", input: { q: "cat" } },
      ],
      stop_reason: "tool_use",
      usage: { input_tokens: 10, cache_read_input_tokens: 5, cache_creation_input_tokens: 1, output_tokens: 7 },
    });
    expect(out?.usage).toEqual({ promptTokens: 16, completionTokens: 7, totalTokens: 23 });
    expect(out?.text).toBe("Checking.");
    expect(out?.body).toMatchObject({
      id: "msg_1",
      object: "chat.completion",
      model: "claude-sonnet-4-5",
      choices: [{ index: 0, finish_reason: "tool_calls", message: { role: "assistant", content: "Checking.", tool_calls: [{ id: "toolu_1", type: "function", function: { name: "lookup", arguments: '{"q":"cat"}' } }] } }],
      usage: { prompt_tokens: 16, completion_tokens: 7, total_tokens: 23, prompt_tokens_details: { cached_tokens: 5 } },
    });
    expect(fromAnthropicMessage({ error: "nope" })).toBeNull();
  });

  it.each([
    ["end_turn", "stop"],
    ["stop_sequence", "stop"],
    ["max_tokens", "length"],
    ["tool_use", "tool_calls"],
    ["refusal", "content_filter"],
    [null, null],
  ])("stop_reason %s → %s", (reason, finish) => {
    expect(finishReason(reason)).toBe(finish);
  });
});

describe("Anthropic stream → OpenAI chunks", () => {
  const enc = new TextEncoder();
  const ev = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const run = (text: string, includeUsage: boolean) => {
    const t = new AnthropicStreamTranslator({ includeUsage, collectText: true, apiKey: "sk-ant-secret-key-1234" });
    const out = new TextDecoder().decode(t.chunk(enc.encode(text)) ?? new Uint8Array());
    const tail = t.end();
    const data = out
      .split("\n\n")
      .filter(Boolean)
      .map((e) => e.replace(/^data: /, ""));
    return { data, parsed: data.filter((d) => d !== "[DONE]").map((d) => JSON.parse(d)), result: t.result(), tail };
  };

  it("translates text and tool-use streams, finish reason and usage", () => {
    const text = [
      ev("message_start", { message: { id: "msg_9", model: "claude-x", usage: { input_tokens: 12, output_tokens: 1 } } }),
      ev("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
      ev("ping", {}),
      ev("content_block_delta", { index: 0, delta: { type: "text_delta", text: "Hi " } }),
      ev("content_block_stop", { index: 0 }),
      ev("content_block_start", { index: 1, content_block: { type: "tool_use", id: "toolu_1", name: "lookup", input: {} } }),
      ev("content_block_delta", { index: 1, delta: { type: "input_json_delta", partial_json: '{"q":' } }),
      ev("content_block_delta", { index: 1, delta: { type: "input_json_delta", partial_json: '"cat"}' } }),
      ev("message_delta", { delta: { stop_reason: "tool_use" }, usage: { output_tokens: 9 } }),
      ev("message_stop", {}),
    ].join("");
    const { data, parsed, result, tail } = run(text, true);
    expect(data.at(-1)).toBe("[DONE]");
    expect(tail).toBeNull();
    expect(parsed.map((c) => c.choices[0]?.delta ?? null)).toEqual([
      { role: "assistant", content: "" },
      { content: "Hi " },
      { tool_calls: [{ index: 0, id: "toolu_1", type: "function", function: { name: "lookup", arguments: "" } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"q":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '"cat"}' } }] },
      {},
      null,
    ]);
    expect(parsed[5]).toMatchObject({ id: "msg_9", model: "claude-x", object: "chat.completion.chunk", usage: null, choices: [{ finish_reason: "tool_calls" }] });
    expect(parsed[6]).toMatchObject({ choices: [], usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 } });
    expect(result).toEqual({ usage: { promptTokens: 12, completionTokens: 9, totalTokens: 21 }, text: "Hi " });
  });

  it("an error event becomes an OpenAI error event (key scrubbed); a cut stream is reported", () => {
    const start = ev("message_start", { message: { id: "m", model: "c", usage: { input_tokens: 3, output_tokens: 1 } } });
    const failed = run(`${start}${ev("error", { error: { type: "overloaded_error", message: "Overloaded sk-ant-secret-key-1234" } })}`, false);
    expect(failed.parsed[1]).toEqual({ error: { message: "Overloaded [redacted]", type: "overloaded_error", param: null, code: null } });
    expect(failed.data.at(-1)).toBe("[DONE]");
    expect(failed.result).toMatchObject({ error: "upstream_error", usage: { promptTokens: 3, completionTokens: 1 } });
    const cut = run(start, false);
    expect(new TextDecoder().decode(cut.tail!)).toContain('"code":"upstream_invalid_response"');
    expect(cut.result.error).toBe("upstream_invalid_response");
  });
});
