import "server-only";
import type { NextRequest } from "next/server";
import { bearerToken, verifyApiKey, type KeyRecord } from "@/lib/api-keys/verify";
import type { ApiKeyScope } from "@/lib/api-keys/schemas";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { increment } from "@/lib/metrics";
import { checkRateLimits, rateLimitHeaders } from "@/lib/ratelimit";
import { AppError, toAppError } from "@/lib/security/errors";
import { finishResponse } from "@/lib/security/respond";
import { requestMeta, type RequestMeta } from "@/lib/security/request-meta";
import { corsHeaders, preflightResponse } from "./cors";

/**
 * The door of the SDK endpoints (/api/v1/chat/completions, /api/v1/models):
 * API key → checks (revoked, expired, rotated out, IP, Origin, scope) → one
 * rate-limit round trip for the key and its org, overlapping the handler's
 * reading of the body → handler. Errors answer in
 * OpenAI's error shape with our code, so any OpenAI client reports them.
 * Everything on this path runs from memory once the key is cached.
 */
export interface GatewayContext {
  key: KeyRecord;
  request: RequestMeta;
  /** The browser origin this response is for, when the key allowed it. */
  origin: string | null;
  startedAt: number;
  /**
   * The rate-limit decision, in flight while the handler reads and checks the
   * body; the handler awaits it before anything reaches the upstream. Rejects
   * with `rate_limited`.
   */
  admitted: Promise<Record<string, string>>;
}

type OpenAIErrorType = "invalid_request_error" | "authentication_error" | "permission_error" | "not_found_error" | "rate_limit_error" | "api_error";

function errorType(status: number): OpenAIErrorType {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  return status >= 500 ? "api_error" : "invalid_request_error";
}

/** An error in the shape OpenAI clients parse: `{ error: { message, type, param, code } }`. */
export function openAIError(status: number, code: string, message: string, requestId: string, headers: Record<string, string> = {}): Response {
  const body = { error: { message, type: errorType(status), param: null, code, request_id: requestId } };
  return finishResponse(Response.json(body, { status, headers }), requestId);
}

function errorFrom(error: unknown, requestId: string, headers: Record<string, string>): Response {
  const appError = toAppError(error);
  if (appError.code === "internal_error" && !(error instanceof AppError)) log.error("unhandled gateway error", { requestId, error });
  const message = appError.code === "validation_failed" && appError.issues?.length ? `${appError.message} ${appError.issues.map((i) => `${i.path}: ${i.message}`).join("; ")}` : appError.message;
  return openAIError(appError.status, appError.code, message, requestId, { ...appError.headers, ...headers });
}

async function limit(key: KeyRecord): Promise<Record<string, string>> {
  const outcome = await checkRateLimits([
    { policy: "apiKey", identifier: key.keyId, ...(key.rateLimit ? { limit: key.rateLimit } : {}) },
    { policy: "org", identifier: key.orgId },
  ]);
  const headers = rateLimitHeaders(outcome.limiting);
  if (!outcome.success) throw new AppError("rate_limited", undefined, { headers });
  return headers;
}

export type GatewayHandler = (ctx: GatewayContext, req: NextRequest) => Promise<Response>;

export function withApiKey(scope: ApiKeyScope, handler: GatewayHandler): (req: NextRequest) => Promise<Response> {
  return async (req) => {
    const startedAt = performance.now();
    increment("gatewayRequests");
    const meta = requestMeta(req.headers, env().TRUSTED_PROXY_HOPS);
    const origin = req.headers.get("origin");
    let headers: Record<string, string> = {};
    let admitted: Promise<Record<string, string>> | undefined;
    try {
      const token = bearerToken(req.headers);
      if (token === null) throw new AppError("missing_api_key");
      const key = await verifyApiKey({ token, ip: meta.ip, origin, scope });
      // From here on the caller is a known key: an allowed browser origin may read our answers.
      if (origin !== null) headers = corsHeaders(origin);
      // The store round trip overlaps reading the body; a denial wins over any error of the body.
      admitted = limit(key);
      admitted.catch(() => {});
      const response = await handler({ key, request: meta, origin, startedAt, admitted }, req);
      headers = { ...headers, ...(await admitted) };
      for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
      return finishResponse(response, meta.requestId);
    } catch (error) {
      if (!admitted) return errorFrom(error, meta.requestId, headers);
      const decision = await admitted.then(
        (limitHeaders) => ({ limitHeaders, denied: null }),
        (denied: unknown) => ({ limitHeaders: {}, denied }),
      );
      return errorFrom(decision.denied ?? error, meta.requestId, { ...headers, ...decision.limitHeaders });
    }
  };
}

/** OPTIONS for the SDK endpoints. */
export function preflight(): (req: NextRequest) => Promise<Response> {
  return async (req) => {
    try {
      return await preflightResponse(req.headers);
    } catch (error) {
      return errorFrom(error, requestMeta(req.headers, env().TRUSTED_PROXY_HOPS).requestId, {});
    }
  };
}
