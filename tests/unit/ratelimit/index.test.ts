import { afterEach, describe, expect, it } from "vitest";
import { checkRateLimit, checkRateLimits, createRateLimiter, POLICIES, rateLimitHeaders, setRateLimiter } from "@/lib/ratelimit";
import { createMemoryBackend } from "@/lib/ratelimit/memory-backend";

describe("checkRateLimit (module default)", () => {
  afterEach(() => setRateLimiter(undefined));

  it("runs the named policy on the limiter a test installs", async () => {
    setRateLimiter(createRateLimiter({ policies: POLICIES, backend: createMemoryBackend(), prefix: "test" }));
    const results = [];
    for (let i = 0; i < 21; i++) results.push(await checkRateLimit("signInIp", "198.51.100.1"));
    expect(results.filter((r) => r.success)).toHaveLength(20);
    const last = results.at(-1)!;
    expect(last).toMatchObject({ success: false, limit: 20, remaining: 0 });
    expect(rateLimitHeaders(last)).toMatchObject({ "RateLimit-Limit": "20", "RateLimit-Remaining": "0" });
    expect(Number(rateLimitHeaders(last)["Retry-After"])).toBeGreaterThanOrEqual(1);
    expect((await checkRateLimit("apiKey", "key_1", { limit: 1000 })).limit).toBe(1000);
  });

  it("checkRateLimits runs the gateway's per-key and per-organisation limits together", async () => {
    setRateLimiter(createRateLimiter({ policies: POLICIES, backend: createMemoryBackend(), prefix: "test" }));
    const checks = [
      { policy: "apiKey", identifier: "key_1", limit: 2 },
      { policy: "org", identifier: "org_1" },
    ] as const;
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push(await checkRateLimits(checks));
    expect(outcomes.map((o) => o.success)).toEqual([true, true, false]);
    expect(outcomes[0]?.limiting).toMatchObject({ limit: 2, remaining: 1 });
    expect(outcomes[2]?.denied).toMatchObject({ limit: 2, remaining: 0 });
    expect(rateLimitHeaders(outcomes[2]!.limiting)["Retry-After"]).toBeDefined();
    expect(outcomes[2]?.results[1]).toMatchObject({ success: true, limit: 6000, remaining: 6000 - 3 });
  });
});
