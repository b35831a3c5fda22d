import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createRateLimiter } from "@/lib/ratelimit/limiter";
import { startUpstashRestServer, type UpstashRestServer } from "@/tests/support/upstash-rest-server";
import { ALGORITHMS, GATEWAY, REDIS_URL, TEN_PER_HOUR, admittedOf, deleteKeys, gatewayChecks, roundTripsOf, uniquePrefix } from "./support";

describe("Upstash REST backend (against a local Upstash stand-in over the real Redis)", () => {
  const prefix = uniquePrefix("upstash");
  let server: UpstashRestServer;

  beforeAll(async () => {
    server = await startUpstashRestServer({ redisUrl: REDIS_URL });
  });
  afterAll(async () => {
    await server.close();
    await deleteKeys(prefix);
  });

  it("the stand-in speaks the protocol: auth, single, pipeline, multi-exec, base64 or plain", async () => {
    for (const responseEncoding of ["base64", false] as const) {
      const redis = new Redis({ url: server.url, token: server.token, responseEncoding, enableAutoPipelining: false, enableTelemetry: false });
      expect(await redis.set(`${prefix}:s`, "héllo ✓")).toBe("OK");
      expect(await redis.get(`${prefix}:s`)).toBe("héllo ✓");
      expect(await redis.pipeline().incr(`${prefix}:n`).get(`${prefix}:s`).exec()).toEqual([expect.any(Number), "héllo ✓"]);
      expect(await redis.multi().set(`${prefix}:t`, "x").get(`${prefix}:t`).exec()).toEqual(["OK", "x"]);
    }
    expect(server.stats).toMatchObject({ single: 4, pipeline: 2, multiExec: 2, base64: 4 });
    const intruder = new Redis({ url: server.url, token: "wrong", enableTelemetry: false, retry: false });
    await expect(intruder.get(`${prefix}:s`)).rejects.toThrow(/Unauthorized/);
  });

  describe("the limiter through it", () => {
    const limiterPrefix = `${prefix}:limits`;
    let limiter: ReturnType<typeof createRateLimiter<typeof TEN_PER_HOUR>>;
    beforeAll(() => {
      limiter = createRateLimiter({ policies: TEN_PER_HOUR, backend: { kind: "upstash", url: server.url, token: server.token }, prefix: limiterPrefix });
    });
    afterAll(() => limiter.close());

    it.each(ALGORITHMS)("%s: 50 concurrent requests on a limit of 10 admit exactly 10", async (policy) => {
      expect(limiter.backend).toBe("upstash");
      expect(await admittedOf(limiter, policy, "client-1")).toBe(10);
      expect(await limiter.check(policy, "client-1")).toMatchObject({ success: false, remaining: 0, limit: 10 });
    });

    it("went through the REST API (auto-pipelined, base64-encoded)", () => {
      expect(server.stats.pipeline + server.stats.single).toBeGreaterThan(2);
      expect(server.stats.base64).toBeGreaterThan(2);
    });

    it("a wrong token is a backend failure: the policy's fail mode applies", async () => {
      const warn = vi.fn();
      const wrong = createRateLimiter({
        policies: TEN_PER_HOUR,
        backend: { kind: "upstash", url: server.url, token: "not-the-token" },
        prefix: limiterPrefix,
        warn,
      });
      expect(await wrong.check("sliding", "client-9")).toMatchObject({ success: false, failedClosed: true });
      expect(await wrong.check("perKey", "client-9")).toMatchObject({ success: true, failedOpen: true });
      expect(warn).toHaveBeenCalled();
      expect(JSON.stringify(warn.mock.calls)).not.toMatch(/not-the-token|client-9/);
      await wrong.close();
    });
  });

  describe("the multi-check through it", () => {
    let limiter: ReturnType<typeof createRateLimiter<typeof GATEWAY>>;
    beforeAll(() => {
      limiter = createRateLimiter({ policies: GATEWAY, backend: { kind: "upstash", url: server.url, token: server.token }, prefix: `${prefix}:multi` });
    });
    afterAll(() => limiter.close());

    /** HTTP requests the stand-in received while `fn` ran, and the round trips the client counted. */
    async function measured<T>(fn: () => Promise<T>) {
      const requests = () => server.stats.single + server.stats.pipeline + server.stats.multiExec;
      const before = { requests: requests(), pipeline: server.stats.pipeline };
      const { value, trips } = await roundTripsOf(fn);
      return { value, trips, requests: requests() - before.requests, pipelines: server.stats.pipeline - before.pipeline };
    }

    it("one HTTP request per admitted multi-check, none for a blocked caller", async () => {
      await limiter.checkAll(gatewayChecks("warm-up", "warm-up-org")); // the stand-in learns the scripts (NOSCRIPT once)
      for (let i = 0; i < 3; i++) {
        const admitted = await measured(() => limiter.checkAll(gatewayChecks("key-1", "org-1", 3)));
        expect(admitted).toMatchObject({ trips: 1, requests: 1, pipelines: 1, value: { success: true, limiting: { remaining: 2 - i } } });
      }
      const storeDenial = await measured(() => limiter.checkAll(gatewayChecks("key-1", "org-1", 3)));
      expect(storeDenial).toMatchObject({ trips: 1, requests: 1, value: { success: false, denied: { limit: 3, remaining: 0 } } });
      for (let i = 0; i < 10; i++) {
        const blocked = await measured(() => limiter.checkAll(gatewayChecks("key-1", "org-1", 3)));
        expect(blocked).toMatchObject({ trips: 0, requests: 0, value: { success: false, denied: { knownBlocked: true, limit: 3 } } });
      }
    });

    it("50 concurrent multi-checks with a per-key limit of 10 admit exactly 10, in one HTTP request", async () => {
      const { value: outcomes, trips, requests } = await measured(() =>
        Promise.all(Array.from({ length: 50 }, () => limiter.checkAll(gatewayChecks("key-2", "org-2", 10)))),
      );
      expect(outcomes.filter((o) => o.success)).toHaveLength(10);
      expect(outcomes.some((o) => o.results.some((r) => r?.failedOpen))).toBe(false);
      expect({ trips, requests }).toEqual({ trips: 1, requests: 1 });
    });
  });
});
