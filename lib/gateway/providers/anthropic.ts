import { failureOutcome, gatewayError, isRecord } from "../errors";
import type { ChatCompletionRequest } from "../schemas";
import { relayStream } from "../stream";
import type { ChatOutcome, ModelEntry, ModelsOutcome, ProviderAdapter, ProviderTarget } from "../types";
import { toAnthropicRequest, UntranslatableRequest } from "./anthropic-request";
import { fromAnthropicMessage } from "./anthropic-response";
import { AnthropicStreamTranslator } from "./anthropic-stream";
import { exchange, exchangeJson, isOutcome } from "./shared";

/**
 * Anthropic's Messages API behind the OpenAI interface: `POST {base}/v1/messages`
 * with `x-api-key` and `anthropic-version`, requests and answers translated
 * both ways (JSON and event streams), errors mapped to OpenAI's shape with
 * Anthropic's HTTP status.
 */
export const ANTHROPIC_VERSION = "2023-06-01";

function headers(target: ProviderTarget, accept: string): Record<string, string> {
  return { "x-api-key": target.apiKey, "anthropic-version": ANTHROPIC_VERSION, "content-type": "application/json", accept };
}

export const anthropicAdapter: ProviderAdapter = {
  async chatCompletion(target, request: ChatCompletionRequest, options = {}): Promise<ChatOutcome> {
    let body: Record<string, unknown>;
    try {
      body = toAnthropicRequest(request);
    } catch (error) {
      if (error instanceof UntranslatableRequest) return failureOutcome(error, error.param);
      throw error;
    }
    const streaming = body.stream === true;
    const call = { method: "POST" as const, url: `${target.baseUrl}/v1/messages`, body: JSON.stringify(body) };
    if (streaming) {
      const res = await exchange({ ...call, headers: headers(target, "text/event-stream") }, target.apiKey, options, true);
      if (isOutcome(res)) return res;
      const translator = new AnthropicStreamTranslator({
        includeUsage: request.stream_options?.include_usage === true,
        collectText: options.collectText === true,
        apiKey: target.apiKey,
      });
      return { kind: "stream", status: 200, ...relayStream(res, translator, options.signal) };
    }
    const answer = await exchangeJson({ ...call, headers: headers(target, "application/json") }, target.apiKey, options);
    if ("kind" in answer) return answer;
    const translated = fromAnthropicMessage(answer.payload);
    if (!translated) return gatewayError("upstream_invalid_response");
    return { kind: "json", status: 200, body: translated.body, usage: translated.usage, text: options.collectText ? translated.text : null };
  },

  async listModels(target, options = {}): Promise<ModelsOutcome> {
    const answer = await exchangeJson({ method: "GET", url: `${target.baseUrl}/v1/models?limit=1000`, headers: headers(target, "application/json") }, target.apiKey, options);
    if ("kind" in answer) return answer;
    const { payload } = answer;
    if (!isRecord(payload) || !Array.isArray(payload.data)) return gatewayError("upstream_invalid_response");
    const data: ModelEntry[] = payload.data.filter(isRecord).flatMap((m) => {
      if (typeof m.id !== "string") return [];
      const created = typeof m.created_at === "string" ? Math.floor(Date.parse(m.created_at) / 1000) : NaN;
      return [{ id: m.id, object: "model" as const, created: Number.isFinite(created) ? created : 0, owned_by: "anthropic" }];
    });
    return { kind: "json", status: 200, body: { object: "list", data } };
  },
};
