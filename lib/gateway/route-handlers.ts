import "server-only";
import { after, type NextRequest } from "next/server";
import { env } from "@/lib/env";
import { AppError } from "@/lib/security/errors";
import { parseWith, readJsonBody } from "@/lib/security/input";
import { gatewayConfig } from "./config";
import { resolveProvider } from "./models";
import { adapterFor } from "./providers";
import type { GatewayContext } from "./route";
import { chatCompletionRequestSchema, type ChatCompletionRequest } from "./schemas";
import { PROVIDERS, type ChatOutcome, type Provider, type ProviderTarget, type Usage } from "./types";
import { recordUsage } from "./usage";
import { vaultedKey } from "@/lib/vault/vaulted-keys";

/**
 * The SDK endpoints behind the API-key door. The provider key comes from the
 * caller (`X-Provider-Key`, BYOK) or from the org's vault, as the project's
 * (else the org's) key mode says; either way it is handed to the upstream
 * adapter and to nothing else. Usage is recorded per request; prompt and
 * response text only when the key's org (or project) turned storage on.
 */
export const PROVIDER_KEY_HEADER = "x-provider-key";
const MAX_PROVIDER_KEY_LENGTH = 512;

/** The caller's own provider key, or null when the header is absent. */
function suppliedKey(req: NextRequest): string | null {
  const value = req.headers.get(PROVIDER_KEY_HEADER)?.trim();
  if (!value) return null;
  if (value.length > MAX_PROVIDER_KEY_LENGTH || /[^\x21-\x7e]/.test(value)) {
    throw new AppError("bad_request", "The X-Provider-Key header is not a valid key.");
  }
  return value;
}

/**
 * BYOK_ONLY: the caller's key, required. VAULT_ONLY: the vaulted key, and a
 * caller's key is refused rather than silently ignored. EITHER: the caller's
 * key when sent, else the vaulted one.
 */
async function providerKey(ctx: GatewayContext, req: NextRequest, provider: Provider): Promise<string> {
  const supplied = suppliedKey(req);
  const { providerKeyMode: mode, orgId, projectId } = ctx.key;
  if (mode === "BYOK_ONLY") {
    if (!supplied) throw new AppError("provider_key_missing", "This project accepts only the caller's provider key (BYOK_ONLY): send it in the X-Provider-Key header.");
    return supplied;
  }
  if (mode === "VAULT_ONLY" && supplied) throw new AppError("provider_key_not_allowed");
  if (supplied) return supplied;
  // A caller the rate limiter refuses costs no vault load.
  await ctx.admitted;
  const vaulted = await vaultedKey(orgId, projectId, provider);
  if (vaulted) return vaulted;
  if (mode === "VAULT_ONLY") throw new AppError("vault_key_missing", `No ${provider} key is stored for this project or its org (VAULT_ONLY): add one in Settings → Provider keys.`);
  throw new AppError("provider_key_missing", `No provider key: none is stored for ${provider}, and the request has no X-Provider-Key header.`);
}

function target(provider: Provider, apiKey: string): ProviderTarget {
  return { provider, baseUrl: gatewayConfig().baseUrls[provider], apiKey };
}

const SSE_HEADERS = { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache, no-transform", "X-Accel-Buffering": "no" };

interface Finished {
  status: number;
  errorCode: string | null;
  usage: Usage | null;
  text: string | null;
}

/**
 * Keep the server up until the usage record is written: Next waits for
 * `after()` work before a clean shutdown completes. Outside a request (tests
 * calling handlers directly) there is nothing to wait for.
 */
function outlive(written: Promise<void>): void {
  try {
    after(written);
  } catch {
    // Not inside a Next request: the batch writer still writes it.
  }
}

function record(ctx: GatewayContext, request: ChatCompletionRequest, provider: Provider, stream: boolean, done: Finished): Promise<void> {
  const { key } = ctx;
  const store = key.storePrompts || key.storeResponses;
  return recordUsage({
    orgId: key.orgId,
    projectId: key.projectId,
    apiKeyId: key.keyId,
    provider,
    model: request.model,
    endpoint: "chat.completions",
    stream,
    status: done.status,
    errorCode: done.errorCode,
    latencyMs: Math.round(performance.now() - ctx.startedAt),
    promptTokens: done.usage?.promptTokens ?? null,
    completionTokens: done.usage?.completionTokens ?? null,
    totalTokens: done.usage?.totalTokens ?? null,
    requestId: ctx.request.requestId,
    createdAt: new Date(),
    ...(store ? { content: { prompt: key.storePrompts ? request.messages : null, response: key.storeResponses ? done.text : null } } : {}),
  });
}

function respond(ctx: GatewayContext, request: ChatCompletionRequest, provider: Provider, outcome: ChatOutcome): Response {
  switch (outcome.kind) {
    case "json":
      outlive(record(ctx, request, provider, false, { status: outcome.status, errorCode: null, usage: outcome.usage, text: outcome.text }));
      return Response.json(outcome.body, { status: outcome.status });
    case "error":
      outlive(record(ctx, request, provider, Boolean(request.stream), { status: outcome.status, errorCode: outcome.code, usage: null, text: null }));
      return Response.json({ error: { ...outcome.body.error, request_id: ctx.request.requestId } }, { status: outcome.status });
    case "stream":
      outlive(
        outcome.done.then((result) =>
          record(ctx, request, provider, true, { status: result.error === "client_closed" ? 499 : outcome.status, errorCode: result.error ?? null, usage: result.usage, text: result.text }),
        ),
      );
      return new Response(outcome.stream, { status: outcome.status, headers: SSE_HEADERS });
  }
}

export async function chatCompletions(ctx: GatewayContext, req: NextRequest): Promise<Response> {
  const request = parseWith(chatCompletionRequestSchema, await readJsonBody(req, env().GATEWAY_MAX_BODY_BYTES));
  const { provider } = resolveProvider(request.model);
  const apiKey = await providerKey(ctx, req, provider);
  await ctx.admitted;
  const outcome = await adapterFor(provider).chatCompletion(target(provider, apiKey), request, {
    signal: req.signal,
    timeoutMs: gatewayConfig().upstreamTimeoutMs,
    collectText: ctx.key.storeResponses,
  });
  return respond(ctx, request, provider, outcome);
}

/** The provider whose models to list: `X-Provider: anthropic`, default openai. */
function listedProvider(req: NextRequest): Provider {
  const value = (req.headers.get("x-provider") ?? "openai").trim().toLowerCase();
  if (!(PROVIDERS as readonly string[]).includes(value)) throw new AppError("bad_request", `X-Provider must be one of: ${PROVIDERS.join(", ")}.`);
  return value as Provider;
}

export async function listModels(ctx: GatewayContext, req: NextRequest): Promise<Response> {
  const provider = listedProvider(req);
  const apiKey = await providerKey(ctx, req, provider);
  await ctx.admitted;
  const outcome = await adapterFor(provider).listModels(target(provider, apiKey), {
    signal: req.signal,
    timeoutMs: gatewayConfig().upstreamTimeoutMs,
  });
  if (outcome.kind === "error") return Response.json({ error: { ...outcome.body.error, request_id: ctx.request.requestId } }, { status: outcome.status });
  return Response.json(outcome.body, { status: outcome.status });
}
