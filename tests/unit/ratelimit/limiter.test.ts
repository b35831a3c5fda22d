import { describe, expect, it, vi } from "vitest";
import { createRateLimiter, describeError } from "@/lib/ratelimit/limiter";
import { createMemoryBackend } from "@/lib/ratelimit/memory-backend";
import type { Backend, Decision, LimitSpec, RateLimitPolicy } from "@/lib/ratelimit/types";

const POLICIES = {
  email: { description: "t", algorithm: "slidingWindow", limit: 3, windowMs: 60_000, keyPrefix: "email", failMode: "closed", normalize: "lowercase" },
  key: { description: "t", algorithm: "slidingWindow", limit: 100, windowMs: 60_000, keyPrefix: "key", failMode: "open", allowLimitOverride: true },
  local: { description: "t", algorithm: "fixedWindow", limit: 2, windowMs: 60_000, keyPrefix: "local", failMode: "open", store: "local" },
} as const satisfies Record<string, RateLimitPolicy>;

/** Records what reaches the backend; answers with `answer`. */
function fakeBackend(answer: (spec: LimitSpec) => Promise<Decision>) {
  const calls: { namespace: string; id: string; spec: LimitSpec }[] = [];
  const backend: Backend = {
    kind: "redis",
    limit: (namespace, id, spec) => {
      calls.push({ namespace, id, spec });
      return answer(spec);
    },
    close: vi.fn(async () => {}),
  };
  return { backend, calls };
}

const admit = async (spec: LimitSpec): Promise<Decision> => ({ success: true, limit: spec.limit, remaining: spec.limit - 1, reset: Date.now() + 60_000 });

describe("createRateLimiter", () => {
  it("sends only a keyed hash of the identifier, under prefix and policy key prefix", async () => {
    const { backend, calls } = fakeBackend(admit);
    const limiter = createRateLimiter({ policies: POLICIES, backend, prefix: "p", identifierKey: "k1" });
    await limiter.check("email", "Alice@Example.com ");
    await limiter.check("email", "alice@example.com");
    expect(calls[0]?.namespace).toBe("p:email");
    expect(calls[0]?.id).toMatch(/^[0-9a-f]{32}$/);
    expect(calls[1]?.id).toBe(calls[0]?.id); // case variants of an email share a counter
    const other = fakeBackend(admit);
    await createRateLimiter({ policies: POLICIES, backend: other.backend, prefix: "p", identifierKey: "k2" }).check("email", "alice@example.com");
    expect(other.calls[0]?.id).not.toBe(calls[0]?.id); // the hash depends on the key
  });

  it("does not lower-case identifiers of other policies", async () => {
    const { backend, calls } = fakeBackend(admit);
    const limiter = createRateLimiter({ policies: POLICIES, backend });
    await limiter.check("key", "KEY_A");
    await limiter.check("key", "key_a");
    expect(calls[0]?.id).not.toBe(calls[1]?.id);
  });

  it("takes a per-call limit only where the policy allows it, and validates it", async () => {
    const { backend, calls } = fakeBackend(admit);
    const limiter = createRateLimiter({ policies: POLICIES, backend });
    expect(await limiter.check("key", "k", { limit: 5 })).toMatchObject({ limit: 5, remaining: 4 });
    expect(calls[0]?.spec).toMatchObject({ limit: 5, refillRate: 5 });
    await expect(limiter.check("email", "a@b.c", { limit: 5 })).rejects.toThrow(TypeError);
    await expect(limiter.check("key", "k", { limit: 0 })).rejects.toThrow(RangeError);
    await expect(limiter.check("key", "k", { limit: 1.5 })).rejects.toThrow(RangeError);
    await expect(limiter.check("key", "")).rejects.toThrow(TypeError);
    await expect(limiter.check("nope" as "key", "k")).rejects.toThrow(/Unknown/);
    await expect(limiter.check("toString" as "key", "k")).rejects.toThrow(/Unknown/);
  });

  it("computes retryAfterSeconds from reset when denied", async () => {
    const now = 1_700_000_000_000;
    const { backend } = fakeBackend(async () => ({ success: false, limit: 3, remaining: -1, reset: now + 12_345 }));
    const result = await createRateLimiter({ policies: POLICIES, backend, now: () => now }).check("email", "a@b.c");
    expect(result).toEqual({ success: false, limit: 3, remaining: 0, reset: now + 12_345, retryAfterSeconds: 13 });
  });

  it("a throwing or hanging backend yields the policy's fail mode within the deadline", async () => {
    for (const answer of [() => Promise.reject(new Error("boom, command was: [\"evalsha\",\"secret-key\"]")), () => new Promise<Decision>(() => {})]) {
      const warn = vi.fn();
      const { backend } = fakeBackend(answer);
      const limiter = createRateLimiter({ policies: POLICIES, backend, timeoutMs: 50, warn });
      expect(await limiter.check("email", "a@b.c")).toMatchObject({ success: false, remaining: 0, retryAfterSeconds: 5, failedClosed: true });
      expect(await limiter.check("key", "k")).toMatchObject({ success: true, remaining: 100, retryAfterSeconds: 0, failedOpen: true });
      expect(warn).toHaveBeenCalledTimes(2);
      expect(JSON.stringify(warn.mock.calls)).not.toMatch(/secret-key|a@b\.c/);
    }
  });

  it("store:'local' policies never touch the shared backend; close() leaves a passed-in backend open", async () => {
    const { backend, calls } = fakeBackend(admit);
    const limiter = createRateLimiter({ policies: POLICIES, backend });
    const results = await Promise.all([1, 2, 3].map(() => limiter.check("local", "203.0.113.1")));
    expect(results.map((r) => r.success)).toEqual([true, true, false]);
    expect(calls).toHaveLength(0);
    await limiter.close();
    expect(backend.close).not.toHaveBeenCalled();
  });

  it("over the in-process backend, every policy shares that one store", async () => {
    const memory = createMemoryBackend();
    const limiter = createRateLimiter({ policies: POLICIES, backend: memory });
    expect(limiter.backend).toBe("memory");
    await limiter.check("local", "x");
    await limiter.check("email", "x");
    expect(memory.size()).toBe(2);
  });
});

describe("describeError", () => {
  it("drops commands, URL credentials and bearer tokens; keeps the cause's code", () => {
    const described = describeError(new Error('NOSCRIPT x, command was: ["evalsha","k"]'));
    expect(described).toBe("Error: NOSCRIPT x");
    expect(describeError(new Error("connect to redis://user:pa55@host:6379 failed"))).not.toContain("pa55");
    expect(describeError(new Error("header Bearer abc.def"))).not.toContain("abc.def");
    expect(describeError(new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } }))).toBe("TypeError: fetch failed (ECONNREFUSED)");
  });
});
