import { log } from "@/lib/log";
import { AppError, errorBody, toAppError } from "./errors";
import { API_CSP, applySecurityHeaders } from "./headers";

/** Headers every API response carries: request id, security headers, no caching. */
export function finishResponse(response: Response, requestId: string): Response {
  response.headers.set("x-request-id", requestId);
  applySecurityHeaders(response.headers, API_CSP);
  if (!response.headers.has("Cache-Control")) response.headers.set("Cache-Control", "no-store");
  return response;
}

export function jsonResponse(body: unknown, requestId: string, init?: ResponseInit): Response {
  return finishResponse(Response.json(body, init), requestId);
}

/** The one error model: typed code and status; unknown errors are logged and made opaque. */
export function errorResponse(error: unknown, requestId: string, extraHeaders?: Record<string, string>): Response {
  const appError = toAppError(error);
  if (appError.code === "internal_error" && !(error instanceof AppError)) {
    log.error("unhandled error", { requestId, error });
  }
  const response = Response.json(errorBody(appError, requestId), { status: appError.status });
  for (const [name, value] of Object.entries({ ...appError.headers, ...extraHeaders })) response.headers.set(name, value);
  return finishResponse(response, requestId);
}
