import { GatewayFailure, isRecord, scrubKey } from "../errors";
import { SseSplitter } from "../sse";
import { encode, failureEvents, sseData, type StreamTranslator } from "../stream";
import type { StreamResult, Usage } from "../types";
import { finishReason, nowSeconds, openAIUsage } from "./anthropic-response";

/**
 * Anthropic's Messages event stream → OpenAI `chat.completion.chunk` events,
 * translated as each upstream event arrives: message_start opens the
 * assistant turn, text and tool-input deltas become content and tool-call
 * deltas, message_delta carries the finish reason and the output token count,
 * message_stop ends with the usage chunk (when the caller asked for it) and
 * `data: [DONE]`. An upstream `error` event becomes an OpenAI error event.
 */
export class AnthropicStreamTranslator implements StreamTranslator {
  private readonly splitter = new SseSplitter();
  private readonly created = nowSeconds();
  private id = "msg";
  private model = "";
  private promptTokens: number | null = null;
  private completionTokens = 0;
  private cachedTokens = 0;
  private readonly toolIndex = new Map<number, number>();
  private text: string | null;
  private ended = false;
  private error: string | undefined;

  constructor(private readonly options: { includeUsage: boolean; collectText: boolean; apiKey: string }) {
    this.text = options.collectText ? "" : null;
  }

  chunk(bytes: Uint8Array): Uint8Array | null {
    let out = "";
    for (const event of this.splitter.push(bytes).events) {
      if (event.data === null || this.ended) continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(event.data);
      } catch {
        continue;
      }
      if (isRecord(parsed)) out += this.translate(parsed);
    }
    return out ? encode(out) : null;
  }

  end(): Uint8Array | null {
    if (this.ended) return null;
    // The body ended before message_stop: the answer is cut short.
    this.error = "upstream_invalid_response";
    return failureEvents(new GatewayFailure("upstream_invalid_response"));
  }

  fail(failure: GatewayFailure): Uint8Array | null {
    if (this.ended) return null;
    this.ended = true;
    return failureEvents(failure);
  }

  result(): StreamResult {
    return { usage: this.usage(), text: this.text, ...(this.error ? { error: this.error } : {}) };
  }

  private usage(): Usage | null {
    if (this.promptTokens === null) return null;
    return { promptTokens: this.promptTokens, completionTokens: this.completionTokens, totalTokens: this.promptTokens + this.completionTokens };
  }

  private readUsage(usage: unknown): void {
    if (!isRecord(usage)) return;
    const n = (v: unknown) => (typeof v === "number" ? v : 0);
    if (typeof usage.input_tokens === "number") {
      this.cachedTokens = n(usage.cache_read_input_tokens);
      this.promptTokens = usage.input_tokens + n(usage.cache_creation_input_tokens) + this.cachedTokens;
    }
    if (typeof usage.output_tokens === "number") this.completionTokens = usage.output_tokens;
  }

  private chunkEvent(delta: Record<string, unknown>, finish: string | null = null): string {
    const chunk: Record<string, unknown> = {
      id: this.id,
      object: "chat.completion.chunk",
      created: this.created,
      model: this.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    };
    if (this.options.includeUsage) chunk.usage = null;
    return sseData(chunk);
  }

  private translate(event: Record<string, unknown>): string {
    switch (event.type) {
      case "message_start": {
        const message = isRecord(event.message) ? event.message : {};
        if (typeof message.id === "string") this.id = message.id;
        if (typeof message.model === "string") this.model = message.model;
        this.readUsage(message.usage);
        return this.chunkEvent({ role: "assistant", content: "" });
      }
      case "content_block_start": {
        const block = isRecord(event.content_block) ? event.content_block : {};
        if (block.type === "text" && typeof block.text === "string" && block.text) return this.content(block.text);
        if (block.type !== "tool_use") return "";
        const index = this.toolIndex.size;
        this.toolIndex.set(Number(event.index), index);
        const call = { index, id: block.id, type: "function", function: { name: block.name, arguments: "" } };
        return this.chunkEvent({ tool_calls: [call] });
      }
      case "content_block_delta": {
        const delta = isRecord(event.delta) ? event.delta : {};
        if (delta.type === "text_delta" && typeof delta.text === "string") return this.content(delta.text);
        const index = this.toolIndex.get(Number(event.index));
        if (delta.type === "input_json_delta" && typeof delta.partial_json === "string" && delta.partial_json && index !== undefined) {
          return this.chunkEvent({ tool_calls: [{ index, function: { arguments: delta.partial_json } }] });
        }
        return "";
      }
      case "message_delta": {
        this.readUsage(event.usage);
        const delta = isRecord(event.delta) ? event.delta : {};
        return this.chunkEvent({}, finishReason(delta.stop_reason) ?? "stop");
      }
      case "message_stop": {
        this.ended = true;
        const usage = this.usage();
        const usageChunk =
          this.options.includeUsage && usage
            ? sseData({ id: this.id, object: "chat.completion.chunk", created: this.created, model: this.model, choices: [], usage: openAIUsage(usage, this.cachedTokens) })
            : "";
        return `${usageChunk}data: [DONE]\n\n`;
      }
      case "error": {
        this.ended = true;
        this.error = "upstream_error";
        const error = isRecord(event.error) ? event.error : {};
        const message = typeof error.message === "string" ? scrubKey(error.message, this.options.apiKey) : "The upstream provider reported an error.";
        const type = typeof error.type === "string" ? error.type : "upstream_error";
        return `${sseData({ error: { message, type, param: null, code: null } })}data: [DONE]\n\n`;
      }
      default:
        return "";
    }
  }

  private content(text: string): string {
    if (this.text !== null) this.text += text;
    return this.chunkEvent({ content: text });
  }
}
