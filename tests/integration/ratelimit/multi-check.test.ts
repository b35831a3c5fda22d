import { Ratelimit } from "@upstash/ratelimit";
import type { Requester } from "@upstash/redis";
import IORedis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rateLimitHeaders } from "@/lib/ratelimit/headers";
import { createRateLimiter } from "@/lib/ratelimit/limiter";
import { learnLimiterScripts, stripUpstashFlags } from "@/lib/ratelimit/lua-scripts";
import { createRedisRequester } from "@/lib/ratelimit/redis-requester";
import { pipelinedRedis } from "@/lib/ratelimit/store-client";
import { GATEWAY, REDIS_URL, deleteKeys, gatewayChecks, roundTripsOf, uniquePrefix } from "./support";

/**
 * The gateway's multi-check (per API key and per organisation) against the
 * Redis on this machine: exact admission under concurrency, one round trip
 * per admitted request, none for a caller already known to be blocked.
 */
const prefix = uniquePrefix("multi-check");
let redis: IORedis;

beforeAll(async () => {
  redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: 1 });
  // A Redis that has run the limiter before has its scripts (what "steady state" means here).
  for (const script of await learnLimiterScripts()) await redis.script("LOAD", stripUpstashFlags(script));
});
afterAll(async () => {
  await deleteKeys(prefix);
  redis.disconnect();
});

describe("checkAll over Redis", () => {
  const limiter = createRateLimiter({ policies: GATEWAY, backend: { kind: "redis", url: REDIS_URL }, prefix });
  afterAll(() => limiter.close());

  it("learns the library's three limit scripts without asking any store", async () => {
    const scripts = await learnLimiterScripts();
    expect(scripts).toHaveLength(3);
    for (const script of scripts) expect(script).toMatch(/^#!lua flags=allow-key-locking/);
  });

  it("the first multi-check of a new limiter is one round trip", async () => {
    const { value, trips } = await roundTripsOf(() => limiter.checkAll(gatewayChecks("warm-up", "warm-up-org")));
    expect(value.success).toBe(true);
    expect(trips).toBe(1);
  });

  it("50 concurrent multi-checks on a fresh key with a per-key limit of 10 admit exactly 10", async () => {
    const { value: outcomes, trips } = await roundTripsOf(() =>
      Promise.all(Array.from({ length: 50 }, () => limiter.checkAll(gatewayChecks("key-1", "org-1", 10)))),
    );
    expect(outcomes.some((o) => o.results.some((r) => r?.failedOpen))).toBe(false);
    expect(outcomes.filter((o) => o.success)).toHaveLength(10);
    for (const outcome of outcomes.filter((o) => !o.success)) {
      expect(outcome.denied).toMatchObject({ success: false, limit: 10, remaining: 0 });
      expect(outcome.denied?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    }
    // Issued in one tick, all 100 checks went out as one pipeline; the org counted all 50.
    expect(trips).toBe(1);
    expect(Math.min(...outcomes.map((o) => o.results[1]!.remaining))).toBe(6000 - 50);
  });

  it("steady state: one round trip per admitted multi-check, none for a blocked caller", async () => {
    for (let i = 0; i < 5; i++) {
      const { value, trips } = await roundTripsOf(() => limiter.checkAll(gatewayChecks("key-2", "org-2", 5)));
      expect(value).toMatchObject({ success: true, limiting: { limit: 5, remaining: 4 - i } });
      expect(trips).toBe(1);
    }
    const storeDenial = await roundTripsOf(() => limiter.checkAll(gatewayChecks("key-2", "org-2", 5)));
    expect(storeDenial.trips).toBe(1);
    expect(storeDenial.value.denied).toMatchObject({ limit: 5, remaining: 0 });
    expect(storeDenial.value.denied?.knownBlocked).toBeUndefined();

    for (let i = 0; i < 20; i++) {
      const { value, trips } = await roundTripsOf(() => limiter.checkAll(gatewayChecks("key-2", "org-2", 5)));
      expect(trips).toBe(0);
      expect(value.success).toBe(false);
      expect(value.denied).toMatchObject({ knownBlocked: true, limit: 5, remaining: 0, reset: storeDenial.value.denied!.reset });
      expect(value.results[1]).toBeUndefined(); // the org was not asked
      const headers = rateLimitHeaders(value.limiting);
      expect(headers).toMatchObject({ "RateLimit-Limit": "5", "RateLimit-Remaining": "0" });
      expect(Number(headers["Retry-After"])).toBe(value.denied!.retryAfterSeconds);
      expect(value.denied!.retryAfterSeconds).toBeGreaterThan(0);
      expect(value.denied!.retryAfterSeconds).toBeLessThanOrEqual(3600);
    }

    // The blocked calls counted against nothing: the org saw 6 requests, this is its 7th.
    expect((await limiter.check("org", "org-2")).remaining).toBe(6000 - 7);
    // Another key of the same organisation is not affected.
    const other = await roundTripsOf(() => limiter.checkAll(gatewayChecks("key-3", "org-2", 5)));
    expect(other).toMatchObject({ trips: 1, value: { success: true } });
    // A raised per-key limit is a different entry: the store decides again, on its own counts.
    const raised = await roundTripsOf(() => limiter.checkAll(gatewayChecks("key-2", "org-2", 50)));
    expect(raised).toMatchObject({ trips: 1, value: { success: true, results: [{ limit: 50, remaining: 44 }, {}] } });
  });
});

describe("@upstash/ratelimit over the auto-pipelined requester", () => {
  /** Two limiters with different algorithms (so different scripts), issued together. */
  function setup() {
    const client = new IORedis(REDIS_URL, { maxRetriesPerRequest: 1 });
    const inner = createRedisRequester(client);
    const requests: unknown[] = [];
    const counting: Requester = {
      request: (req) => {
        requests.push(req.path ?? []);
        return inner.request(req);
      },
    };
    const redisClient = pipelinedRedis(counting);
    const make = (limiter: ReturnType<typeof Ratelimit.slidingWindow>, label: string) =>
      new Ratelimit({ redis: redisClient, limiter, prefix: `${prefix}:${label}`, timeout: 0, ephemeralCache: false, analytics: false, enableTelemetry: false });
    return { client, requests, sliding: make(Ratelimit.slidingWindow(10, "1 h"), "lib-sliding"), fixed: make(Ratelimit.fixedWindow(10, "1 h"), "lib-fixed") };
  }

  it("two concurrent limit() calls are one requester call and one round trip, on first use and after", async () => {
    const { client, requests, sliding, fixed } = setup();
    try {
      for (let round = 0; round < 3; round++) {
        requests.length = 0;
        const { value, trips } = await roundTripsOf(() => Promise.all([sliding.limit("a"), fixed.limit("b")]));
        expect(value.map((r) => r.remaining)).toEqual([9 - round, 9 - round]);
        expect(requests).toEqual([["pipeline"]]);
        expect(trips).toBe(1);
      }
    } finally {
      client.disconnect();
    }
  });
});
