import { gatewayError, GatewayFailure, isRecord } from "../errors";
import { upstreamModelName } from "../models";
import type { ChatCompletionRequest } from "../schemas";
import { SseSplitter } from "../sse";
import { DONE, failureEvents, relayStream, usageFromOpenAI, type StreamTranslator } from "../stream";
import type { ChatOutcome, ModelEntry, ModelsOutcome, ProviderAdapter, StreamResult, Usage } from "../types";
import { exchange, exchangeJson, isOutcome } from "./shared";

/**
 * OpenAI (and OpenAI-compatible) upstreams. The request goes as it came, the
 * model name without its routing prefix. A stream is relayed byte for byte,
 * event by event; to count tokens the gateway asks for the final usage chunk
 * (`stream_options.include_usage`) and, when the caller had not asked for it,
 * keeps that one chunk to itself.
 */
const USAGE_OBJECT = /"usage"\s*:\s*\{/;

export class OpenAIStreamRelay implements StreamTranslator {
  private readonly splitter = new SseSplitter();
  private usage: Usage | null = null;
  private text: string | null;
  private sawDone = false;
  private upstreamError = false;

  constructor(private readonly options: { stripUsageChunk: boolean; collectText: boolean }) {
    this.text = options.collectText ? "" : null;
  }

  chunk(bytes: Uint8Array): Uint8Array | null {
    const { events, bytes: complete } = this.splitter.push(bytes);
    let kept: Uint8Array[] | null = null;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (this.inspect(event.data)) kept ??= events.slice(0, i).map((e) => e.raw);
      else kept?.push(event.raw);
    }
    return kept ? concatAll(kept) : complete;
  }

  /** Records what an event carries; true when it is the usage-only chunk to keep from the caller. */
  private inspect(data: string | null): boolean {
    if (data === null) return false;
    if (data === "[DONE]") {
      this.sawDone = true;
      return false;
    }
    const hasUsage = USAGE_OBJECT.test(data);
    // Parse only what we need: usage chunks, possible errors, and every chunk when collecting text.
    if (!hasUsage && this.text === null && !data.includes('"error"')) return false;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      return false;
    }
    if (!isRecord(parsed)) return false;
    if (parsed.error !== undefined && parsed.error !== null) this.upstreamError = true;
    if (this.text !== null) this.text += deltaText(parsed);
    if (!hasUsage) return false;
    this.usage = usageFromOpenAI(parsed.usage) ?? this.usage;
    return this.options.stripUsageChunk && Array.isArray(parsed.choices) && parsed.choices.length === 0;
  }

  end(): Uint8Array | null {
    // A trailing line ending still held back (the LF of a split CRLF) goes out as it came.
    const rest = this.splitter.rest();
    const tail = rest.every((b) => b === 10 || b === 13) ? rest : new Uint8Array(0);
    return this.sawDone ? tail : concatAll([tail, DONE]);
  }

  fail(failure: GatewayFailure): Uint8Array {
    return failureEvents(failure);
  }

  result(): StreamResult {
    return { usage: this.usage, text: this.text, ...(this.upstreamError ? { error: "upstream_error" } : {}) };
  }
}

function deltaText(chunk: Record<string, unknown>): string {
  const choice = Array.isArray(chunk.choices) ? chunk.choices.find((c) => isRecord(c) && (c.index ?? 0) === 0) : undefined;
  const content = isRecord(choice) && isRecord(choice.delta) ? choice.delta.content : undefined;
  return typeof content === "string" ? content : "";
}

function messageText(body: Record<string, unknown>): string | null {
  const choice = Array.isArray(body.choices) ? body.choices[0] : undefined;
  const content = isRecord(choice) && isRecord(choice.message) ? choice.message.content : undefined;
  return typeof content === "string" ? content : null;
}

function concatAll(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function headers(apiKey: string, accept: string): Record<string, string> {
  return { authorization: `Bearer ${apiKey}`, "content-type": "application/json", accept };
}

export const openaiAdapter: ProviderAdapter = {
  async chatCompletion(target, request: ChatCompletionRequest, options = {}): Promise<ChatOutcome> {
    const streaming = request.stream === true;
    const callerWantsUsage = request.stream_options?.include_usage === true;
    const body: Record<string, unknown> = { ...request, model: upstreamModelName(request.model, "openai") };
    if (streaming && !callerWantsUsage) body.stream_options = { ...request.stream_options, include_usage: true };

    const call = { method: "POST" as const, url: `${target.baseUrl}/chat/completions`, body: JSON.stringify(body) };
    if (streaming) {
      const res = await exchange({ ...call, headers: headers(target.apiKey, "text/event-stream") }, target.apiKey, options, true);
      if (isOutcome(res)) return res;
      const relay = new OpenAIStreamRelay({ stripUsageChunk: !callerWantsUsage, collectText: options.collectText === true });
      return { kind: "stream", status: res.statusCode, ...relayStream(res, relay, options.signal) };
    }
    const answer = await exchangeJson({ ...call, headers: headers(target.apiKey, "application/json") }, target.apiKey, options);
    if ("kind" in answer) return answer;
    const { payload } = answer;
    if (!isRecord(payload)) return gatewayError("upstream_invalid_response");
    return {
      kind: "json",
      status: answer.status,
      body: payload,
      usage: usageFromOpenAI(payload.usage),
      text: options.collectText ? messageText(payload) : null,
    };
  },

  async listModels(target, options = {}): Promise<ModelsOutcome> {
    const answer = await exchangeJson({ method: "GET", url: `${target.baseUrl}/models`, headers: headers(target.apiKey, "application/json") }, target.apiKey, options);
    if ("kind" in answer) return answer;
    const { payload } = answer;
    if (!isRecord(payload) || !Array.isArray(payload.data)) return gatewayError("upstream_invalid_response");
    const data: ModelEntry[] = payload.data.filter(isRecord).flatMap((m) =>
      typeof m.id === "string"
        ? [{ id: m.id, object: "model" as const, created: typeof m.created === "number" ? m.created : 0, owned_by: typeof m.owned_by === "string" ? m.owned_by : "openai" }]
        : [],
    );
    return { kind: "json", status: 200, body: { object: "list", data } };
  },
};
