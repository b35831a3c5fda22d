import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * A stand-in for the OpenAI and Anthropic HTTP APIs on 127.0.0.1 (random
 * port): chat completions and messages, JSON and SSE, model lists, and each
 * provider's real error shapes. The reply echoes the last user message
 * ("Echo: …", one token per word) with deterministic token counts; requests
 * with tools get a tool call. The model name triggers special behaviour:
 * `error-<status>` answers that error, `slow-<ms>` waits before the headers,
 * `stream-error` sends an error event after two tokens, `truncate` drops the
 * connection after two tokens. Self-contained on purpose: it plays the third
 * party and shares no code with the gateway.
 */
export interface UpstreamServerOptions {
  /** Keys the server accepts; any key when unset. */
  openaiKey?: string;
  anthropicKey?: string;
  /** Pause between streamed events (mutable later through the returned object). */
  tokenDelayMs?: number;
  /** Keep a record of every request (default true; switch off under load). */
  record?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface UpstreamServer {
  url: string;
  openaiBaseUrl: string;
  anthropicBaseUrl: string;
  requests: RecordedRequest[];
  tokenDelayMs: number;
  /** Requests whose client went away before the response was complete. */
  readonly disconnects: number;
  /** TCP connections accepted so far. */
  readonly connections: number;
  waitForDisconnects(count: number): Promise<void>;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;
type Provider = "openai" | "anthropic";

const ANTHROPIC_ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((p: Json) => (p.type === "text" && typeof p.text === "string" ? p.text : "")).join(" ");
}

function openaiError(status: number, message: string, code: string | null): Json {
  const type = status === 429 ? "requests" : status >= 500 ? "server_error" : "invalid_request_error";
  return { error: { message, type, param: null, code } };
}

function anthropicError(status: number, message: string): Json {
  return { type: "error", error: { type: ANTHROPIC_ERROR_TYPES[status] ?? "api_error", message }, request_id: `req_test${status}` };
}

const mask = (key: string) => `${key.slice(0, 8)}${"*".repeat(24)}${key.slice(-4)}`;

export async function startUpstreamServer(options: UpstreamServerOptions = {}): Promise<UpstreamServer> {
  const requests: RecordedRequest[] = [];
  const record = options.record ?? true;
  let disconnects = 0;
  let connections = 0;
  let waiters: { count: number; resolve: () => void }[] = [];
  let sequence = 0;

  function onDisconnect() {
    disconnects++;
    waiters = waiters.filter((w) => (disconnects >= w.count ? (w.resolve(), false) : true));
  }

  function send(res: ServerResponse, status: number, body: Json) {
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  }

  async function sendEvents(res: ServerResponse, events: string[], trigger: string) {
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
    const delay = server.tokenDelayMs;
    if (!delay && trigger !== "truncate") return void res.end(events.join(""));
    for (const [i, event] of events.entries()) {
      if (res.destroyed) return;
      if (trigger === "truncate" && i === 3) {
        await sleep(20); // let what was written reach the client first
        return void res.socket?.destroy();
      }
      res.write(event);
      if (delay) await sleep(delay);
    }
    res.end();
  }

  /** Errors and checks shared by both providers; true when the request was answered. */
  async function preflight(provider: Provider, req: IncomingMessage, res: ServerResponse, body: Json): Promise<boolean> {
    const expected = provider === "openai" ? options.openaiKey : options.anthropicKey;
    const given = provider === "openai" ? (req.headers.authorization ?? "").replace(/^Bearer /, "") : String(req.headers["x-api-key"] ?? "");
    const fail = (status: number, message: string, code: string | null = null) => {
      send(res, status, provider === "openai" ? openaiError(status, message, code) : anthropicError(status, message));
      return true;
    };
    if (provider === "anthropic" && !req.headers["anthropic-version"]) return fail(400, "anthropic-version: header is required");
    const model = typeof body.model === "string" ? body.model : "";
    const forced = /^error-(\d{3})$/.exec(model);
    if (!given || (expected && given !== expected) || forced?.[1] === "401") {
      if (provider === "anthropic") return fail(401, "invalid x-api-key");
      return fail(401, `Incorrect API key provided: ${mask(given)}. You can find your API key at https://platform.openai.com/account/api-keys.`, "invalid_api_key");
    }
    if (forced) {
      const status = Number(forced[1]);
      return fail(status, status === 404 ? `The model \`${model}\` does not exist or you do not have access to it.` : `Simulated error ${status}.`, status === 404 ? "model_not_found" : null);
    }
    const slow = /^slow-(\d+)$/.exec(model);
    if (slow) await sleep(Number(slow[1]));
    return res.destroyed;
  }

  /** What the model answers: text tokens, or a tool call when tools were offered. */
  function reply(messages: Json[], tools: Json[] | undefined, maxTokens: number | undefined) {
    const lastUser = [...messages].reverse().find((m) => m.role === "user");
    const said = textOf(lastUser?.content).trim();
    const tool = tools?.[0] as Json | undefined;
    const toolName = tool ? String((tool.function as Json | undefined)?.name ?? tool.name) : null;
    const args = JSON.stringify({ query: said });
    const all = `Echo: ${said}`.split(/(?<= )/);
    const tokens = maxTokens !== undefined && maxTokens < all.length ? all.slice(0, maxTokens) : all;
    const truncated = tokens.length < all.length;
    const prompt = messages.reduce((n, m) => n + words(textOf(m.content)), 0);
    const argPieces = [args.slice(0, 5), args.slice(5, 12), args.slice(12)];
    return { tokens, truncated, toolName, args, argPieces, prompt, completion: toolName ? argPieces.length : tokens.length };
  }

  async function openaiChat(req: IncomingMessage, res: ServerResponse, body: Json) {
    if (await preflight("openai", req, res, body)) return;
    if (!Array.isArray(body.messages) || typeof body.model !== "string") return send(res, 400, openaiError(400, "Missing required parameter: 'messages'.", "missing_required_parameter"));
    const maxTokens = (body.max_completion_tokens ?? body.max_tokens) as number | undefined;
    const r = reply(body.messages as Json[], body.tools as Json[] | undefined, maxTokens);
    const id = `chatcmpl-test${++sequence}`;
    const created = Math.floor(Date.now() / 1000);
    const finish = r.toolName ? "tool_calls" : r.truncated ? "length" : "stop";
    const usage = { prompt_tokens: r.prompt, completion_tokens: r.completion, total_tokens: r.prompt + r.completion, prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 } };
    const call = { id: `call_test${sequence}`, type: "function", function: { name: r.toolName, arguments: r.args } };
    if (body.stream !== true) {
      const message = r.toolName ? { role: "assistant", content: null, tool_calls: [call], refusal: null } : { role: "assistant", content: r.tokens.join(""), refusal: null, annotations: [] };
      return send(res, 200, { id, object: "chat.completion", created, model: body.model, choices: [{ index: 0, message, logprobs: null, finish_reason: finish }], usage, service_tier: "default", system_fingerprint: "fp_test" });
    }
    const withUsage = (body.stream_options as Json | undefined)?.include_usage === true;
    const chunk = (delta: Json, finishReason: string | null = null) =>
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: body.model, service_tier: "default", system_fingerprint: "fp_test", choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }], ...(withUsage ? { usage: null } : {}) })}\n\n`;
    const events = [chunk({ role: "assistant", content: "", refusal: null })];
    if (r.toolName) {
      events.push(chunk({ tool_calls: [{ index: 0, ...call, function: { name: r.toolName, arguments: "" } }] }));
      for (const piece of r.argPieces) events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
    } else for (const token of r.tokens) events.push(chunk({ content: token }));
    if (body.model === "stream-error") events.splice(3, Infinity, `data: ${JSON.stringify(openaiError(500, "The server had an error while processing your request.", null))}\n\n`);
    else events.push(chunk({}, finish));
    if (withUsage && body.model !== "stream-error") events.push(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: body.model, choices: [], usage })}\n\n`);
    events.push("data: [DONE]\n\n");
    await sendEvents(res, events, String(body.model));
  }

  async function anthropicMessages(req: IncomingMessage, res: ServerResponse, body: Json) {
    if (await preflight("anthropic", req, res, body)) return;
    const messages = body.messages;
    if (typeof body.max_tokens !== "number") return send(res, 400, anthropicError(400, "max_tokens: Field required"));
    if (!Array.isArray(messages) || messages.length === 0) return send(res, 400, anthropicError(400, "messages: at least one message is required"));
    const badRole = (messages as Json[]).findIndex((m) => m.role !== "user" && m.role !== "assistant");
    if (badRole !== -1) return send(res, 400, anthropicError(400, `messages.${badRole}.role: Input should be 'user' or 'assistant'`));
    const r = reply(messages as Json[], body.tools as Json[] | undefined, body.max_tokens);
    const prompt = r.prompt + (typeof body.system === "string" ? words(body.system) : 0);
    const id = `msg_test${++sequence}`;
    const stop = r.toolName ? "tool_use" : r.truncated ? "max_tokens" : "end_turn";
    const toolUse = { type: "tool_use", id: `toolu_test${sequence}`, name: r.toolName, input: JSON.parse(r.args) };
    if (body.stream !== true) {
      const content = r.toolName ? [toolUse] : [{ type: "text", text: r.tokens.join("") }];
      const usage = { input_tokens: prompt, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: r.completion };
      return send(res, 200, { id, type: "message", role: "assistant", model: body.model, content, stop_reason: stop, stop_sequence: null, usage });
    }
    const event = (type: string, data: Json) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
    const events = [
      event("message_start", { message: { id, type: "message", role: "assistant", model: body.model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: prompt, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 } } }),
      event("content_block_start", { index: 0, content_block: r.toolName ? { ...toolUse, input: {} } : { type: "text", text: "" } }),
      event("ping", {}),
    ];
    if (r.toolName) for (const piece of r.argPieces) events.push(event("content_block_delta", { index: 0, delta: { type: "input_json_delta", partial_json: piece } }));
    else for (const token of r.tokens) events.push(event("content_block_delta", { index: 0, delta: { type: "text_delta", text: token } }));
    if (body.model === "stream-error") events.splice(5, Infinity, event("error", { error: { type: "overloaded_error", message: "Overloaded" } }));
    else
      events.push(
        event("content_block_stop", { index: 0 }),
        event("message_delta", { delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: r.completion } }),
        event("message_stop", {}),
      );
    await sendEvents(res, events, String(body.model));
  }

  async function models(provider: Provider, req: IncomingMessage, res: ServerResponse) {
    if (await preflight(provider, req, res, {})) return;
    if (provider === "openai") {
      return send(res, 200, { object: "list", data: ["gpt-4o-mini", "gpt-4.1"].map((id) => ({ id, object: "model", created: 1_721_172_741, owned_by: "system" })) });
    }
    const data = [{ type: "model", id: "claude-sonnet-4-5-20250929", display_name: "Claude Sonnet 4.5", created_at: "2025-09-29T00:00:00Z" }];
    send(res, 200, { data, has_more: false, first_id: data[0]!.id, last_id: data[0]!.id });
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: Json = {};
    if (chunks.length) {
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        return send(res, 400, { error: { message: "We could not parse the JSON body of your request.", type: "invalid_request_error", param: null, code: null } });
      }
    }
    const path = (req.url ?? "/").split("?")[0];
    if (record) requests.push({ method: req.method ?? "", path: req.url ?? "/", headers: { ...req.headers }, body: chunks.length ? body : null });
    const route = `${req.method} ${path}`;
    if (route === "POST /v1/chat/completions") return openaiChat(req, res, body);
    if (route === "POST /v1/messages") return anthropicMessages(req, res, body);
    if (route === "GET /v1/models") return models(req.headers["x-api-key"] || req.headers["anthropic-version"] ? "anthropic" : "openai", req, res);
    send(res, 404, { error: { message: `Unknown route ${route}`, type: "invalid_request_error", param: null, code: "unknown_url" } });
  }

  const server = Object.assign(
    createServer((req, res) => {
      res.on("close", () => {
        if (!res.writableFinished) onDisconnect();
      });
      handle(req, res).catch(() => res.destroy());
    }),
    { tokenDelayMs: options.tokenDelayMs ?? 0 },
  );
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    openaiBaseUrl: `${url}/v1`,
    anthropicBaseUrl: url,
    requests,
    get tokenDelayMs() {
      return server.tokenDelayMs;
    },
    set tokenDelayMs(ms: number) {
      server.tokenDelayMs = ms;
    },
    get disconnects() {
      return disconnects;
    },
    get connections() {
      return connections;
    },
    waitForDisconnects: (count) => (disconnects >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
