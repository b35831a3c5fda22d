import "server-only";
import { createHmac } from "node:crypto";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { backendConfigFrom } from "./backend";
import { createRateLimiter, type RateLimiter } from "./limiter";
import { POLICIES, type PolicyName } from "./policies";
import type { CheckOptions, MultiCheckResult, RateLimitCheck, RateLimitResult } from "./types";

/**
 * Gatehouse's rate limits: `checkRateLimit("signInIp", ip)` with a named
 * policy from ./policies, or several at once with `checkRateLimits`, e.g. the
 * SDK gateway's per-key and per-organisation limits:
 *
 *   const outcome = await checkRateLimits([
 *     { policy: "apiKey", identifier: keyId, limit: key.rateLimit ?? undefined },
 *     { policy: "org", identifier: orgId },
 *   ]);
 *   const headers = rateLimitHeaders(outcome.limiting);
 *
 * The backend comes from configuration (Upstash REST, plain Redis, or
 * in-process); the limiter is built on first use.
 *
 * - One round trip: the checks of one call reach the store together, as one
 *   auto-pipelined request of `@upstash/ratelimit`'s EVALSHA calls, under one
 *   deadline. The first check after the store lost its script cache costs one
 *   more (NOSCRIPT, then the scripts by EVAL). Counted as `redisRoundTrips`.
 * - Blocked callers cost none: once the store denies a caller (per policy,
 *   identifier and limit), checks before the store's reset are denied
 *   in-process, from a bounded cache; a call with such a caller in it asks the
 *   store nothing and counts against none of its other limits.
 * - The in-process backend is for a single instance only: each process
 *   counts for itself, so N instances would admit N times the limit.
 */
export { POLICIES, type PolicyName } from "./policies";
export { rateLimitHeaders } from "./headers";
export { createRateLimiter, type RateLimiter, type RateLimiterOptions } from "./limiter";
export { backendConfigFrom, type BackendConfig } from "./backend";
export type { CheckOptions, FailMode, MultiCheckResult, RateLimitCheck, RateLimitPolicy, RateLimitResult } from "./types";

let current: RateLimiter<PolicyName> | undefined;

function defaultLimiter(): RateLimiter<PolicyName> {
  if (current) return current;
  const config = env();
  const backend = backendConfigFrom(config);
  if (backend.kind === "memory" && config.NODE_ENV === "production") {
    log.warn("no REDIS_URL or UPSTASH_REDIS_REST_URL: rate limits are per process only");
  }
  current = createRateLimiter({
    // The SDK defaults and the sign-up budget per address are the operator's to set; everything else is fixed in ./policies.
    policies: {
      ...POLICIES,
      apiKey: { ...POLICIES.apiKey, limit: config.RATE_LIMIT_API_KEY_PER_MINUTE },
      org: { ...POLICIES.org, limit: config.RATE_LIMIT_ORG_PER_MINUTE },
      signUpIp: { ...POLICIES.signUpIp, limit: config.RATE_LIMIT_SIGNUP_PER_HOUR },
    },
    backend,
    // A key of its own, derived from the app secret: stored keys reveal no email or IP.
    identifierKey: createHmac("sha256", config.NEXTAUTH_SECRET).update("gatehouse:ratelimit-identifiers").digest(),
  });
  return current;
}

export function checkRateLimit(policy: PolicyName, identifier: string, options?: CheckOptions): Promise<RateLimitResult> {
  return defaultLimiter().check(policy, identifier, options);
}

/** Several checks as one, in one round trip to the store; see above. */
export function checkRateLimits(checks: readonly RateLimitCheck<PolicyName>[]): Promise<MultiCheckResult> {
  return defaultLimiter().checkAll(checks);
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
