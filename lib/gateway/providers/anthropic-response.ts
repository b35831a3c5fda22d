import { isRecord } from "../errors";
import type { Usage } from "../types";

/** Anthropic Messages response → OpenAI `chat.completion`, and the mappings the stream shares. */
const FINISH_REASONS: Record<string, string> = {
  end_turn: "stop",
  stop_sequence: "stop",
  pause_turn: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool_calls",
  refusal: "content_filter",
};

export function finishReason(stopReason: unknown): string | null {
  if (typeof stopReason !== "string") return null;
  return FINISH_REASONS[stopReason] ?? "stop";
}

const num = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0);

/** Anthropic counts cached input apart; OpenAI's prompt tokens include it. */
export function usageFromAnthropic(value: unknown): Usage | null {
  if (!isRecord(value) || typeof value.output_tokens !== "number") return null;
  const prompt = num(value.input_tokens) + num(value.cache_creation_input_tokens) + num(value.cache_read_input_tokens);
  const completion = value.output_tokens;
  return { promptTokens: prompt, completionTokens: completion, totalTokens: prompt + completion };
}

export function openAIUsage(usage: Usage, cachedTokens = 0): Record<string, unknown> {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.totalTokens,
    prompt_tokens_details: { cached_tokens: cachedTokens },
  };
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** null when the payload is not an Anthropic message. */
export function fromAnthropicMessage(
  message: unknown,
): { body: Record<string, unknown>; usage: Usage | null; text: string | null } | null {
  if (!isRecord(message) || !Array.isArray(message.content)) return null;
  let text: string | null = null;
  const toolCalls: Record<string, unknown>[] = [];
  for (const block of message.content) {
    if (!isRecord(block)) continue;
    if (block.type === "text" && typeof block.text === "string") text = (text ?? "") + block.text;
    if (block.type === "tool_use" && typeof block.id === "string" && typeof block.name === "string") {
      toolCalls.push({ id: block.id, type: "function", function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } });
    }
  }
  const usage = usageFromAnthropic(message.usage);
  const cached = isRecord(message.usage) ? num(message.usage.cache_read_input_tokens) : 0;
  const body: Record<string, unknown> = {
    id: typeof message.id === "string" ? message.id : "msg",
    object: "chat.completion",
    created: nowSeconds(),
    model: typeof message.model === "string" ? message.model : "",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: text, refusal: null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
        logprobs: null,
        finish_reason: finishReason(message.stop_reason) ?? "stop",
      },
    ],
    ...(usage ? { usage: openAIUsage(usage, cached) } : {}),
  };
  return { body, usage, text };
}
