import "server-only";
import type { NextRequest } from "next/server";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { checkRateLimit, rateLimitHeaders } from "@/lib/ratelimit";
import { scimActor, type ScimContext } from "@/lib/scim/context";
import { isScimError, scimErrorBody } from "@/lib/scim/errors";
import { SCIM_BASE_PATH, SCIM_CONTENT_TYPE, type ScimRequest, type ScimResult } from "@/lib/scim/server";
import { authenticateScimToken } from "@/lib/scim/tokens";
import { AppError } from "./errors";
import { readJsonBody } from "./input";
import { requestMeta } from "./request-meta";
import { finishResponse } from "./respond";
import type { RouteHandler } from "./route";

/**
 * The door for /scim/v2/*: the org's SCIM token (Authorization: Bearer
 * ghscim_…) selects the org → rate limit per token (policy `scim`) → the
 * handler. No session, no cookie, no browser: nothing to check for CSRF.
 * Every answer is `application/scim+json`; every error a SCIM error body
 * (RFC 7644 §3.12), never a stack trace: anything unexpected is an opaque
 * 500 whose details go to the server log with the request id.
 */
function scimResponse(status: number, body: unknown, requestId: string, headers: Record<string, string> = {}): Response {
  const response = body === undefined ? new Response(null, { status }) : new Response(JSON.stringify(body), { status, headers: { "Content-Type": SCIM_CONTENT_TYPE } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return finishResponse(response, requestId);
}

/** The SCIM error for anything thrown before or around the handler (the body reader's AppErrors included). */
function errorResponse(error: unknown, requestId: string, headers: Record<string, string>): Response {
  if (isScimError(error)) {
    const allow = (error as { allow?: string }).allow;
    return scimResponse(error.status, scimErrorBody(error.status, error.scimType, error.message), requestId, { ...headers, ...(allow ? { Allow: allow } : {}) });
  }
  if (error instanceof AppError && error.status < 500) {
    const scimType = error.code === "invalid_json" ? "invalidSyntax" : error.status === 400 || error.status === 422 ? "invalidValue" : null;
    const status = error.status === 422 ? 400 : error.status;
    return scimResponse(status, scimErrorBody(status, scimType, error.message), requestId, { ...headers, ...error.headers });
  }
  log.error("unhandled SCIM error", { requestId, error });
  return scimResponse(500, scimErrorBody(500, null, "Something went wrong on our side."), requestId, headers);
}

/** The path below /scim/v2, split into segments ("/scim/v2/Users/abc" → ["Users", "abc"]). */
export function scimSegments(pathname: string): string[] {
  const rest = pathname.startsWith(SCIM_BASE_PATH) ? pathname.slice(SCIM_BASE_PATH.length) : pathname;
  return rest
    .split("/")
    .filter(Boolean)
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    });
}

export function withScim(handler: (ctx: ScimContext, request: ScimRequest) => Promise<ScimResult>): RouteHandler {
  return async (req: NextRequest) => {
    const meta = requestMeta(req.headers, env().TRUSTED_PROXY_HOPS);
    let limitHeaders: Record<string, string> = {};
    try {
      const token = await authenticateScimToken(req.headers);
      const ctx: ScimContext = { orgId: token.orgId, tokenId: token.tokenId, actor: scimActor({ id: token.tokenId, prefix: token.prefix }), request: meta };
      const limit = await checkRateLimit("scim", `scim-token:${token.tokenId}`);
      limitHeaders = rateLimitHeaders(limit);
      if (!limit.success) return scimResponse(429, scimErrorBody(429, null, "Too many SCIM requests for this token. Try again later."), meta.requestId, limitHeaders);
      const result = await handler(ctx, {
        method: req.method,
        segments: scimSegments(req.nextUrl.pathname),
        query: req.nextUrl.searchParams,
        readBody: () => readJsonBody(req),
      });
      return scimResponse(result.status, result.body, meta.requestId, { ...limitHeaders, ...result.headers });
    } catch (error) {
      return errorResponse(error, meta.requestId, limitHeaders);
    }
  };
}
