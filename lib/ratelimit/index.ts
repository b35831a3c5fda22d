import "server-only";
import { createHmac } from "node:crypto";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { backendConfigFrom } from "./backend";
import { createRateLimiter, type RateLimiter } from "./limiter";
import { POLICIES, type PolicyName } from "./policies";
import type { CheckOptions, RateLimitResult } from "./types";

/**
 * Gatehouse's rate limits: `checkRateLimit("signInIp", ip)` with a named
 * policy from ./policies. The backend comes from configuration (Upstash REST,
 * plain Redis, or in-process); the limiter is built on first use.
 */
export { POLICIES, type PolicyName } from "./policies";
export { rateLimitHeaders } from "./headers";
export { createRateLimiter, type RateLimiter, type RateLimiterOptions } from "./limiter";
export { backendConfigFrom, type BackendConfig } from "./backend";
export type { CheckOptions, FailMode, RateLimitPolicy, RateLimitResult } from "./types";

let current: RateLimiter<PolicyName> | undefined;

function defaultLimiter(): RateLimiter<PolicyName> {
  if (current) return current;
  const config = env();
  const backend = backendConfigFrom(config);
  if (backend.kind === "memory" && config.NODE_ENV === "production") {
    log.warn("no REDIS_URL or UPSTASH_REDIS_REST_URL: rate limits are per process only");
  }
  current = createRateLimiter({
    policies: POLICIES,
    backend,
    // A key of its own, derived from the app secret: stored keys reveal no email or IP.
    identifierKey: createHmac("sha256", config.NEXTAUTH_SECRET).update("gatehouse:ratelimit-identifiers").digest(),
  });
  return current;
}

export function checkRateLimit(policy: PolicyName, identifier: string, options?: CheckOptions): Promise<RateLimitResult> {
  return defaultLimiter().check(policy, identifier, options);
}

/**
 * Replace the module's limiter (tests and harnesses: e.g. one with its own
 * key prefix). Returns the previous one; pass `undefined` to go back to the
 * configured default. The caller closes what it replaced.
 */
export function setRateLimiter(limiter: RateLimiter<PolicyName> | undefined): RateLimiter<PolicyName> | undefined {
  const previous = current;
  current = limiter;
  return previous;
}
