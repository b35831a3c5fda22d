import { failureOutcome, gatewayError, isRecord } from "../errors";
import type { ChatCompletionRequest } from "../schemas";
import { relayStream } from "../stream";
import type { ChatOutcome, ModelEntry, ModelsOutcome, ProviderAdapter, ProviderTarget } from "../types";
import { discard, readJson, upstreamClient, type UpstreamResponse } from "../upstream";
import { toAnthropicRequest, UntranslatableRequest } from "./anthropic-request";
import { fromAnthropicMessage } from "./anthropic-response";
import { AnthropicStreamTranslator } from "./anthropic-stream";
import { errorFrom, isEventStream, toFailure } from "./shared";

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
    const client = options.client ?? upstreamClient();
    const streaming = body.stream === true;
    let res: UpstreamResponse;
    try {
      res = await client.request({
        method: "POST",
        url: `${target.baseUrl}/v1/messages`,
        headers: headers(target, streaming ? "text/event-stream" : "application/json"),
        body: JSON.stringify(body),
        signal: options.signal,
        timeoutMs: options.timeoutMs,
      });
    } catch (error) {
      return toFailure(error, options.signal);
    }
    const failed = await errorFrom(res, target.apiKey, options.signal);
    if (failed) return failed;

    if (streaming) {
      if (!isEventStream(res)) {
        discard(res);
        return gatewayError("upstream_invalid_response");
      }
      const translator = new AnthropicStreamTranslator({
        includeUsage: request.stream_options?.include_usage === true,
        collectText: options.collectText === true,
        apiKey: target.apiKey,
      });
      return { kind: "stream", status: 200, ...relayStream(res, translator, options.signal) };
    }
    let payload: unknown;
    try {
      payload = await readJson(res, options.signal);
    } catch (error) {
      return toFailure(error, options.signal);
    }
    const translated = fromAnthropicMessage(payload);
    if (!translated) return gatewayError("upstream_invalid_response");
    return { kind: "json", status: 200, body: translated.body, usage: translated.usage, text: options.collectText ? translated.text : null };
  },

  async listModels(target, options = {}): Promise<ModelsOutcome> {
    const client = options.client ?? upstreamClient();
    let payload: unknown;
    try {
      const res = await client.request({
        method: "GET",
        url: `${target.baseUrl}/v1/models?limit=1000`,
        headers: headers(target, "application/json"),
        signal: options.signal,
        timeoutMs: options.timeoutMs,
      });
      const failed = await errorFrom(res, target.apiKey, options.signal);
      if (failed) return failed;
      payload = await readJson(res, options.signal);
    } catch (error) {
      return toFailure(error, options.signal);
    }
    if (!isRecord(payload) || !Array.isArray(payload.data)) return gatewayError("upstream_invalid_response");
    const data: ModelEntry[] = payload.data.filter(isRecord).flatMap((m) => {
      if (typeof m.id !== "string") return [];
      const created = typeof m.created_at === "string" ? Math.floor(Date.parse(m.created_at) / 1000) : NaN;
      return [{ id: m.id, object: "model" as const, created: Number.isFinite(created) ? created : 0, owned_by: "anthropic" }];
    });
    return { kind: "json", status: 200, body: { object: "list", data } };
  },
};
