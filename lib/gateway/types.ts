import type { ChatCompletionRequest } from "./schemas";
import type { UpstreamClient } from "./upstream";

/**
 * The one interface every provider adapter implements: an OpenAI-shaped
 * request in, an OpenAI-shaped outcome out (a JSON body, an SSE byte stream,
 * or an error in OpenAI's error shape), whatever the provider speaks.
 */
export const PROVIDERS = ["openai", "anthropic"] as const;
export type Provider = (typeof PROVIDERS)[number];

/** Where to send a request and with which key. The key goes into a header and nowhere else. */
export interface ProviderTarget {
  provider: Provider;
  /** Operator-configured base URL: `https://api.openai.com/v1`, `https://api.anthropic.com`. */
  baseUrl: string;
  apiKey: string;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export interface CallOptions {
  /** Aborts the upstream request (and its stream) when the client goes away. */
  signal?: AbortSignal;
  /** Longest wait for the upstream's response headers, and between two pieces of its body. */
  timeoutMs?: number;
  /** Defaults to the process-wide client configured from the environment. */
  client?: UpstreamClient;
}

export interface ChatOptions extends CallOptions {
  /** Collect the assistant's text (choice 0) into the outcome; off by default. */
  collectText?: boolean;
}

export interface JsonOutcome {
  kind: "json";
  status: number;
  /** An OpenAI `chat.completion` object. */
  body: Record<string, unknown>;
  usage: Usage | null;
  text: string | null;
}

export interface StreamResult {
  usage: Usage | null;
  text: string | null;
  /** Set when the stream did not end normally: a gateway error code or `upstream_error`. */
  error?: string;
}

export interface StreamOutcome {
  kind: "stream";
  status: number;
  /** OpenAI `chat.completion.chunk` SSE bytes, ending with `data: [DONE]`. */
  stream: ReadableStream<Uint8Array>;
  /** Settles (never rejects) once the stream has ended, failed or been cancelled. */
  done: Promise<StreamResult>;
}

export interface ErrorOutcome {
  kind: "error";
  status: number;
  /** A gateway error code, or `upstream_error` when the provider itself answered with an error. */
  code: string;
  body: OpenAIErrorBody;
}

export type ChatOutcome = JsonOutcome | StreamOutcome | ErrorOutcome;

export interface ModelEntry {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
}

export interface ModelList {
  object: "list";
  data: ModelEntry[];
}

export type ModelsOutcome = { kind: "json"; status: number; body: ModelList } | ErrorOutcome;

export interface ProviderAdapter {
  chatCompletion(target: ProviderTarget, request: ChatCompletionRequest, options?: ChatOptions): Promise<ChatOutcome>;
  listModels(target: ProviderTarget, options?: CallOptions): Promise<ModelsOutcome>;
}
