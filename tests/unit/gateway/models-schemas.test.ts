import { describe, expect, it } from "vitest";
import { resolveProvider, upstreamModelName } from "@/lib/gateway/models";
import { chatCompletionRequestSchema } from "@/lib/gateway/schemas";

describe("resolveProvider", () => {
  it.each([
    ["anthropic/claude-sonnet-4-5", "anthropic", "claude-sonnet-4-5"],
    ["claude-3-5-haiku-latest", "anthropic", "claude-3-5-haiku-latest"],
    ["openai/gpt-4o", "openai", "gpt-4o"],
    ["gpt-4o-mini", "openai", "gpt-4o-mini"],
    ["meta-llama/Llama-3-8b", "openai", "meta-llama/Llama-3-8b"],
    ["openai/claude-lookalike", "openai", "claude-lookalike"],
    ["Claude-3", "openai", "Claude-3"],
  ] as const)("%s → %s (%s)", (model, provider, upstreamModel) => {
    expect(resolveProvider(model)).toEqual({ provider, upstreamModel });
  });

  it("strips only the adapter's own prefix", () => {
    expect(upstreamModelName("anthropic/claude-x", "anthropic")).toBe("claude-x");
    expect(upstreamModelName("openai/gpt-4o", "anthropic")).toBe("openai/gpt-4o");
    expect(upstreamModelName("gpt-4o", "openai")).toBe("gpt-4o");
  });
});

const minimal = { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] };
const parse = (body: unknown) => chatCompletionRequestSchema.safeParse(body);
const paths = (body: unknown) => {
  const result = parse(body);
  return result.success ? [] : result.error.issues.map((i) => i.path.join("."));
};

describe("chatCompletionRequestSchema", () => {
  it("accepts a full OpenAI request and keeps unknown fields (top level, messages, parts)", () => {
    const body = {
      ...minimal,
      messages: [
        { role: "developer", content: "be brief" },
        { role: "user", content: [{ type: "text", text: "look" }, { type: "image_url", image_url: { url: "https://x.test/a.png", detail: "low" } }, { type: "input_audio", input_audio: { data: "AAA", format: "wav" } }] },
        { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{}" } }], audio: { id: "a" } },
        { role: "tool", tool_call_id: "call_1", content: "42" },
      ],
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
      top_p: 1,
      max_completion_tokens: 100,
      stop: ["\n\n"],
      n: 1,
      tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
      tool_choice: { type: "function", function: { name: "f" } },
      response_format: { type: "json_schema", json_schema: { name: "out", schema: { type: "object" } } },
      user: "u-1",
      seed: 7,
      presence_penalty: -1,
      frequency_penalty: 2,
      logit_bias: { "50256": -100 },
      reasoning_effort: "low",
      prediction: { type: "content", content: "x" },
    };
    const result = parse(body);
    expect(result.success).toBe(true);
    expect(result.data).toMatchObject({ reasoning_effort: "low", prediction: { type: "content", content: "x" } });
    expect(result.data?.messages[2]).toMatchObject({ audio: { id: "a" } });
    expect(result.data?.messages[1]?.content).toHaveLength(3);
  });

  it.each([
    [{ messages: minimal.messages }, "model"],
    [{ ...minimal, model: "" }, "model"],
    [{ ...minimal, model: "anthropic/" }, "model"],
    [{ ...minimal, messages: [] }, "messages"],
    [{ ...minimal, messages: [{ role: "robot", content: "x" }] }, "messages.0.role"],
    [{ ...minimal, messages: [{ role: "user", content: null }] }, "messages.0.content"],
    [{ ...minimal, messages: [{ role: "assistant" }] }, "messages.0.content"],
    [{ ...minimal, messages: [{ role: "tool", content: "x" }] }, "messages.0.tool_call_id"],
    [{ ...minimal, messages: [{ role: "user", content: [{ type: "text" }] }] }, "messages.0.content"],
    [{ ...minimal, temperature: 2.5 }, "temperature"],
    [{ ...minimal, top_p: -0.1 }, "top_p"],
    [{ ...minimal, max_tokens: 0 }, "max_tokens"],
    [{ ...minimal, max_tokens: 1.5 }, "max_tokens"],
    [{ ...minimal, n: 0 }, "n"],
    [{ ...minimal, stop: ["a", "b", "c", "d", "e"] }, "stop"],
    [{ ...minimal, stream: "yes" }, "stream"],
    [{ ...minimal, presence_penalty: 3 }, "presence_penalty"],
    [{ ...minimal, logit_bias: { "1": 101 } }, "logit_bias.1"],
    [{ ...minimal, tools: [{ type: "function", function: { name: "has space" } }] }, "tools.0"],
    [{ ...minimal, tool_choice: "sometimes" }, "tool_choice"],
  ])("refuses %j at %s", (body, path) => {
    expect(paths(body).some((p) => p === path || p.startsWith(`${path}.`))).toBe(true);
  });
});
