import type { RateLimitResult } from "./types";

/**
 * Response headers for a rate-limit result, in the IETF draft's names:
 * RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset (seconds until the
 * window resets), plus Retry-After (seconds) only when the request is denied.
 */
export function rateLimitHeaders(result: RateLimitResult, now: number = Date.now()): Record<string, string> {
  const headers: Record<string, string> = {
    "RateLimit-Limit": String(Math.max(0, Math.floor(result.limit))),
    "RateLimit-Remaining": String(Math.max(0, Math.floor(result.remaining))),
    "RateLimit-Reset": String(Math.max(0, Math.ceil((result.reset - now) / 1_000))),
  };
  if (!result.success) headers["Retry-After"] = String(Math.max(1, Math.ceil(result.retryAfterSeconds)));
  return headers;
}
