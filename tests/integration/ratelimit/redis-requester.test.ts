import { randomUUID } from "node:crypto";
import { Redis } from "@upstash/redis";
import IORedis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRateLimiter } from "@/lib/ratelimit/limiter";
import { ScriptRegistry, sha1 } from "@/lib/ratelimit/lua-scripts";
import { createMemoryBackend } from "@/lib/ratelimit/memory-backend";
import { createRedisRequester } from "@/lib/ratelimit/redis-requester";
import { ALGORITHMS, REDIS_URL, TEN_PER_HOUR, admittedOf, countKeys, deleteKeys, roundTripsOf, uniquePrefix } from "./support";

const FLAGGED = "#!lua flags=allow-key-locking\nredis.call('SET', KEYS[1], ARGV[1])\nreturn redis.call('GET', KEYS[1])";

describe("Requester over a plain Redis (ioredis)", () => {
  const prefix = uniquePrefix("requester");
  let client: IORedis;
  let redis: Redis;

  beforeAll(() => {
    client = new IORedis(REDIS_URL, { maxRetriesPerRequest: 1 });
    redis = new Redis(createRedisRequester(client));
  });
  afterAll(async () => {
    await deleteKeys(prefix);
    client.disconnect();
  });

  it("is needed: plain Redis refuses Upstash's script flag", async () => {
    await expect(client.eval(FLAGGED, 1, `${prefix}:raw`, "x")).rejects.toThrow(/Unexpected flag/);
  });

  it("runs single commands, pipelines and multi-exec", async () => {
    expect(await redis.set(`${prefix}:a`, "héllo ✓")).toBe("OK");
    expect(await redis.get(`${prefix}:a`)).toBe("héllo ✓");
    const piped = await redis.pipeline().incr(`${prefix}:n`).incr(`${prefix}:n`).get(`${prefix}:n`).exec();
    expect(piped).toEqual([1, 2, 2]);
    const multi = await redis.multi().incrby(`${prefix}:m`, 5).decr(`${prefix}:m`).exec();
    expect(multi).toEqual([5, 4]);
  });

  it("turns Redis error replies into errors the client raises", async () => {
    await redis.set(`${prefix}:str`, "x");
    await expect(redis.incr(`${prefix}:str`)).rejects.toThrow(/not an integer/);
    await expect(redis.pipeline().set(`${prefix}:p`, "1").incr(`${prefix}:str`).exec()).rejects.toThrow(/not an integer/);
    const kept = await redis.pipeline().set(`${prefix}:p`, "1").incr(`${prefix}:str`).exec({ keepErrors: true });
    expect(kept[0]?.result).toBe("OK");
    expect(kept[1]?.error).toMatch(/not an integer/);
  });

  it("strips the flag from EVAL and maps the original SHA-1 for EVALSHA", async () => {
    const key = `${prefix}:script`;
    await expect(redis.evalsha(sha1(FLAGGED), [key], ["1"])).rejects.toThrow(/NOSCRIPT/);
    expect(await redis.eval(FLAGGED, [key], ["one"])).toBe("one");
    expect(await redis.evalsha(sha1(FLAGGED), [key], ["two"])).toBe("two");
    const [fromPipeline] = await redis.pipeline().evalsha(sha1(FLAGGED), [key], ["three"]).exec();
    expect(fromPipeline).toBe("three");
  });

  it("when Redis lacks a known script: one more round trip, once; a pipeline keeps its order", async () => {
    // A script this Redis has never seen stands for a script cache lost to a restart or SCRIPT FLUSH
    // (not flushed here: other test files share this Redis and count round trips).
    const unseen = () => `${FLAGGED}\n-- ${randomUUID()}`;
    const scripts = new ScriptRegistry();
    const fresh = new Redis(createRedisRequester(client, scripts));
    const key = `${prefix}:unseen`;
    const single = unseen();
    scripts.register(single);
    expect(await roundTripsOf(() => fresh.evalsha(sha1(single), [key], ["one"]))).toEqual({ value: "one", trips: 2 });
    expect(await roundTripsOf(() => fresh.evalsha(sha1(single), [key], ["two"]))).toEqual({ value: "two", trips: 1 });

    // In a pipeline NOSCRIPT comes back as from Redis, after the commands before it ran and before
    // those after it: sending it again here would reorder them. The client sends EVAL (the library does).
    const piped = unseen();
    scripts.register(piped);
    const replies = await fresh.pipeline().set(key, "before").evalsha(sha1(piped), [key], ["three"]).get(key).exec({ keepErrors: true });
    expect(replies.map((r) => r.error ?? r.result)).toEqual(["OK", expect.stringMatching(/NOSCRIPT/), "before"]);
    expect(await fresh.pipeline().eval(piped, [key], ["four"]).get(key).exec()).toEqual(["four", "four"]);
    expect(await roundTripsOf(() => fresh.pipeline().evalsha(sha1(piped), [key], ["five"]).exec())).toEqual({ value: ["five"], trips: 1 });
  });

  describe("@upstash/ratelimit through it", () => {
    const limiterPrefix = uniquePrefix("requester-limits");
    const limiter = createRateLimiter({ policies: TEN_PER_HOUR, backend: { kind: "redis", url: REDIS_URL }, prefix: limiterPrefix });
    afterAll(async () => {
      await limiter.close();
      await deleteKeys(limiterPrefix);
    });

    it.each(ALGORITHMS)("%s: 50 concurrent requests on a limit of 10 admit exactly 10", async (policy) => {
      expect(limiter.backend).toBe("redis");
      expect(await admittedOf(limiter, policy, "client-1")).toBe(10);
      const after = await limiter.check(policy, "client-1");
      expect(after).toMatchObject({ success: false, limit: 10, remaining: 0 });
      expect(after.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(after.retryAfterSeconds).toBeLessThanOrEqual(3600);
      expect(await admittedOf(limiter, policy, "client-2", 5)).toBe(5);
    });

    it("applies a per-call limit where the policy allows it", async () => {
      expect(await admittedOf(limiter, "perKey", "key-1", 50, 7)).toBe(7);
      await expect(limiter.check("sliding", "key-1", { limit: 7 })).rejects.toThrow(/does not take/);
    });

    it("keeps limiters with different prefixes apart, and stores only hashed identifiers", async () => {
      const otherPrefix = uniquePrefix("other");
      const other = createRateLimiter({ policies: TEN_PER_HOUR, backend: { kind: "redis", url: REDIS_URL }, prefix: otherPrefix });
      try {
        expect(await admittedOf(other, "sliding", "client-1")).toBe(10);
      } finally {
        await other.close();
        await deleteKeys(otherPrefix);
      }
      const keys = await client.keys(`${limiterPrefix}:*`);
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.join(" ")).not.toContain("client-1");
    });

    it("keeps store:'local' policies out of Redis", async () => {
      const before = await countKeys(limiterPrefix);
      expect(await admittedOf(limiter, "local", "client-3")).toBe(10);
      expect(await countKeys(limiterPrefix)).toBe(before);
    });

    it.each(ALGORITHMS)("%s: the in-process backend answers as Redis does", async (policy) => {
      const memory = createRateLimiter({ policies: TEN_PER_HOUR, backend: createMemoryBackend(), prefix: limiterPrefix });
      const sequence = async (l: typeof limiter) => {
        const out: string[] = [];
        for (let i = 0; i < 13; i++) {
          const r = await l.check(policy, "same-answers");
          out.push(`${r.success}/${r.remaining}/${r.limit}`);
        }
        return out;
      };
      expect(await sequence(memory)).toEqual(await sequence(limiter));
    });
  });
});
