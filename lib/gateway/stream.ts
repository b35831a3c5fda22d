import { GatewayFailure } from "./errors";
import type { StreamResult, Usage } from "./types";
import { classifyUpstreamError, type UpstreamResponse } from "./upstream";

/**
 * Relays an upstream SSE body to the client as a web ReadableStream, one
 * upstream chunk at a time and only when the client pulls (backpressure goes
 * all the way to the provider's socket). A translator turns upstream bytes
 * into OpenAI SSE bytes. When the client cancels the stream, or the caller's
 * signal aborts, the upstream request is torn down with it.
 */
export interface StreamTranslator {
  /** OpenAI SSE bytes for one upstream chunk (null or empty when there is nothing to send yet). */
  chunk(bytes: Uint8Array): Uint8Array | null;
  /** Bytes to send once the upstream body has ended. */
  end(): Uint8Array | null;
  /** Bytes to send when the upstream failed mid-stream (an error event and the end marker). */
  fail(failure: GatewayFailure): Uint8Array | null;
  result(): StreamResult;
}

const encoder = new TextEncoder();

export const DONE = encoder.encode("data: [DONE]\n\n");

export function sseData(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}

export function encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** An OpenAI in-stream error event followed by the end marker. */
export function failureEvents(failure: GatewayFailure): Uint8Array {
  const error = { message: failure.message, type: "gateway_error", param: null, code: failure.code };
  return encoder.encode(`${sseData({ error })}data: [DONE]\n\n`);
}

export function usageFromOpenAI(value: unknown): Usage | null {
  if (typeof value !== "object" || value === null) return null;
  const u = value as Record<string, unknown>;
  const prompt = typeof u.prompt_tokens === "number" ? u.prompt_tokens : null;
  const completion = typeof u.completion_tokens === "number" ? u.completion_tokens : null;
  if (prompt === null || completion === null) return null;
  const total = typeof u.total_tokens === "number" ? u.total_tokens : prompt + completion;
  return { promptTokens: prompt, completionTokens: completion, totalTokens: total };
}

export function relayStream(
  res: UpstreamResponse,
  translator: StreamTranslator,
  signal?: AbortSignal,
): { stream: ReadableStream<Uint8Array>; done: Promise<StreamResult> } {
  const iterator = (res.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  let settle!: (result: StreamResult) => void;
  const done = new Promise<StreamResult>((resolve) => (settle = resolve));
  let finished = false;
  const onAbort = () => {
    res.body.destroy();
    finish("client_closed");
  };
  const finish = (error?: string) => {
    if (finished) return;
    finished = true;
    signal?.removeEventListener("abort", onAbort);
    const result = translator.result();
    settle(error && !result.error ? { ...result, error } : result);
  };
  // Settle even when nobody pulls again after the client has gone.
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });

  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        for (;;) {
          const next = await iterator.next();
          if (next.done) {
            const tail = translator.end();
            if (tail?.length) controller.enqueue(tail);
            controller.close();
            finish();
            return;
          }
          const out = translator.chunk(next.value);
          if (out?.length) {
            controller.enqueue(out);
            return;
          }
        }
      } catch (error) {
        res.body.destroy();
        if (finished) {
          controller.error(new GatewayFailure("client_closed"));
          return;
        }
        const failure = error instanceof RangeError ? new GatewayFailure("upstream_invalid_response") : classifyUpstreamError(error, signal);
        if (failure.code === "client_closed") {
          controller.error(failure);
        } else {
          const tail = translator.fail(failure);
          if (tail?.length) controller.enqueue(tail);
          controller.close();
        }
        finish(failure.code);
      }
    },
    cancel() {
      res.body.destroy();
      finish("client_closed");
    },
  });
  return { stream, done };
}
