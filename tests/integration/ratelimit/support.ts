import { randomUUID } from "node:crypto";
import IORedis from "ioredis";
import { snapshot } from "@/lib/metrics";
import type { RateLimiter } from "@/lib/ratelimit/limiter";
import type { RateLimitCheck, RateLimitPolicy } from "@/lib/ratelimit/types";

/** The Redis on this machine; every run writes under its own prefix and deletes it after. */
export const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";

const HOUR = 60 * 60 * 1_000;

/** Limit 10 under each algorithm; a long window so no test straddles a window edge. */
export const TEN_PER_HOUR = {
  sliding: { description: "test", algorithm: "slidingWindow", limit: 10, windowMs: HOUR, keyPrefix: "sliding", failMode: "closed" },
  fixed: { description: "test", algorithm: "fixedWindow", limit: 10, windowMs: HOUR, keyPrefix: "fixed", failMode: "closed" },
  bucket: { description: "test", algorithm: "tokenBucket", limit: 10, windowMs: HOUR, refillRate: 1, keyPrefix: "bucket", failMode: "closed" },
  perKey: { description: "test", algorithm: "slidingWindow", limit: 600, windowMs: HOUR, keyPrefix: "per-key", failMode: "open", allowLimitOverride: true },
  local: { description: "test", algorithm: "fixedWindow", limit: 10, windowMs: HOUR, keyPrefix: "local", failMode: "open", store: "local" },
} as const satisfies Record<string, RateLimitPolicy>;

export const ALGORITHMS = ["sliding", "fixed", "bucket"] as const;

/** Shaped like the gateway's `apiKey` and `org` policies (hour windows), and one that fails closed. */
export const GATEWAY = {
  apiKey: { description: "test", algorithm: "slidingWindow", limit: 600, windowMs: HOUR, keyPrefix: "api-key", failMode: "open", allowLimitOverride: true },
  org: { description: "test", algorithm: "slidingWindow", limit: 6000, windowMs: HOUR, keyPrefix: "org", failMode: "open" },
  signIn: { description: "test", algorithm: "fixedWindow", limit: 20, windowMs: HOUR, keyPrefix: "sign-in", failMode: "closed" },
} as const satisfies Record<string, RateLimitPolicy>;

/** The gateway's multi-check: the key (with its own limit, if any) and its organisation. */
export function gatewayChecks(key: string, org: string, limit?: number): RateLimitCheck<keyof typeof GATEWAY>[] {
  return [
    { policy: "apiKey", identifier: key, limit },
    { policy: "org", identifier: org },
  ];
}

/** Store round trips this process made while `fn` ran. */
export async function roundTripsOf<T>(fn: () => Promise<T>): Promise<{ value: T; trips: number }> {
  const before = snapshot().redisRoundTrips;
  const value = await fn();
  return { value, trips: snapshot().redisRoundTrips - before };
}

export function uniquePrefix(label: string): string {
  return `gatehouse-test:${label}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** Delete every key under the prefix. */
export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

export async function countKeys(prefix: string): Promise<number> {
  const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    return (await redis.keys(`${prefix}:*`)).length;
  } finally {
    redis.disconnect();
  }
}

/** Fire `n` checks at once on one identifier; return how many were admitted. */
export async function admittedOf<N extends string>(limiter: RateLimiter<N>, policy: N, identifier: string, n = 50, limit?: number): Promise<number> {
  const results = await Promise.all(Array.from({ length: n }, () => limiter.check(policy, identifier, limit ? { limit } : undefined)));
  for (const result of results) {
    if (result.failedOpen || result.failedClosed) throw new Error("backend failed during a concurrency test");
  }
  return results.filter((r) => r.success).length;
}
