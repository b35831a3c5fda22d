import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { rateLimitHeaders } from "@/lib/ratelimit/headers";
import { createRateLimiter } from "@/lib/ratelimit/limiter";
import { createMemoryBackend } from "@/lib/ratelimit/memory-backend";
import type { Algorithm, Backend, Decision, LimitSpec, RateLimitPolicy } from "@/lib/ratelimit/types";

const POLICIES = {
  apiKey: { description: "t", algorithm: "slidingWindow", limit: 600, windowMs: 60_000, keyPrefix: "api-key", failMode: "open", allowLimitOverride: true },
  org: { description: "t", algorithm: "slidingWindow", limit: 6000, windowMs: 60_000, keyPrefix: "org", failMode: "open" },
  signIn: { description: "t", algorithm: "fixedWindow", limit: 3, windowMs: 60_000, keyPrefix: "sign-in", failMode: "closed" },
  local: { description: "t", algorithm: "fixedWindow", limit: 1, windowMs: 60_000, keyPrefix: "local", failMode: "open", store: "local" },
} as const satisfies Record<string, RateLimitPolicy>;

const AT = 1_700_000_000_000;

/** A shared store that answers per namespace with `answer`; records every call. */
function fakeStore(answer: (namespace: string, spec: LimitSpec) => Promise<Decision>) {
  const calls: string[] = [];
  const backend: Backend = {
    kind: "redis",
    limit: (namespace, _id, spec) => {
      calls.push(namespace.split(":").at(-1)!);
      return answer(namespace, spec);
    },
    close: async () => {},
  };
  return { backend, calls };
}

const admitted = (remaining: number, resetIn = 60_000) => async (_ns: string, spec: LimitSpec): Promise<Decision> => ({ success: true, limit: spec.limit, remaining, reset: AT + resetIn });
const denied = (resetIn: number) => async (_ns: string, spec: LimitSpec): Promise<Decision> => ({ success: false, limit: spec.limit, remaining: 0, reset: AT + resetIn });
const gateway = (key = "key_1", limit?: number) => [{ policy: "apiKey" as const, identifier: key, limit }, { policy: "org" as const, identifier: "org_1" }];

describe("checkAll", () => {
  it("issues every store call in the same tick, and answers in the order given", async () => {
    const { backend, calls } = fakeStore(async (ns, spec) => ({ success: true, limit: spec.limit, remaining: ns.endsWith("org") ? 5 : 500, reset: AT + 1_000 }));
    const limiter = createRateLimiter({ policies: POLICIES, backend, now: () => AT });
    const pending = limiter.checkAll(gateway("key_1", 700));
    expect(calls).toEqual(["api-key", "org"]); // before anything was awaited
    const outcome = await pending;
    expect(outcome.success).toBe(true);
    expect(outcome.results.map((r) => r?.limit)).toEqual([700, 6000]);
    expect(outcome.limiting).toBe(outcome.results[1]); // the one closest to its limit
    expect(outcome.denied).toBeUndefined();
  });

  it("reports the denial with the longest wait", async () => {
    const { backend } = fakeStore((ns, spec) => denied(ns.endsWith("org") ? 40_000 : 9_000)(ns, spec));
    const outcome = await createRateLimiter({ policies: POLICIES, backend, now: () => AT }).checkAll(gateway());
    expect(outcome.success).toBe(false);
    expect(outcome.denied).toMatchObject({ limit: 6000, retryAfterSeconds: 40 });
    expect(outcome.limiting).toBe(outcome.denied);
  });

  it("a caller the store denied is denied in-process until the reset: no store call, same headers", async () => {
    let now = AT;
    const { backend, calls } = fakeStore((ns, spec) => (ns.endsWith("api-key") ? denied(30_000)(ns, spec) : admitted(100)(ns, spec)));
    const limiter = createRateLimiter({ policies: POLICIES, backend, now: () => now });
    const first = await limiter.checkAll(gateway("key_1", 5));
    expect(calls).toHaveLength(2);
    expect(first.denied).toMatchObject({ limit: 5, remaining: 0, reset: AT + 30_000, retryAfterSeconds: 30 });

    now = AT + 10_500;
    const known = await limiter.checkAll(gateway("key_1", 5));
    expect(calls).toHaveLength(2); // nothing asked, nothing counted against the org either
    expect(known).toMatchObject({ success: false, results: [{ knownBlocked: true }, undefined] });
    expect(known.denied).toEqual({ success: false, limit: 5, remaining: 0, reset: AT + 30_000, retryAfterSeconds: 20, knownBlocked: true });
    expect(rateLimitHeaders(known.limiting, now)).toEqual(rateLimitHeaders({ ...first.denied!, retryAfterSeconds: 20 }, now));
    expect(await limiter.check("apiKey", "key_1", { limit: 5 })).toMatchObject({ knownBlocked: true });

    // Per policy, identifier and limit: another key, another limit, or the org alone go to the store.
    await limiter.checkAll(gateway("key_2", 5));
    await limiter.checkAll(gateway("key_1", 6));
    await limiter.check("org", "org_1");
    expect(calls).toHaveLength(7);

    now = AT + 29_999;
    await limiter.checkAll(gateway("key_1", 5));
    expect(calls).toHaveLength(7);
    now = AT + 30_000; // the reset: the store decides again
    await limiter.checkAll(gateway("key_1", 5));
    expect(calls).toHaveLength(9);
  });

  it("does not remember failures, in-process counters, or anything when turned off", async () => {
    const failing = fakeStore(() => Promise.reject(new Error("down")));
    const limiter = createRateLimiter({ policies: POLICIES, backend: failing.backend, now: () => AT, warn: vi.fn() });
    for (let i = 0; i < 3; i++) expect((await limiter.check("signIn", "u1")).failedClosed).toBe(true);
    expect(failing.calls).toHaveLength(3);

    const local = createRateLimiter({ policies: POLICIES, backend: fakeStore(admitted(1)).backend });
    await local.check("local", "ip");
    expect((await local.check("local", "ip")).knownBlocked).toBeUndefined();

    const off = fakeStore(denied(30_000));
    const uncached = createRateLimiter({ policies: POLICIES, backend: off.backend, now: () => AT, blockedCacheSize: 0 });
    for (let i = 0; i < 3; i++) await uncached.check("signIn", "u1");
    expect(off.calls).toHaveLength(3);
  });

  it("puts one deadline on the whole multi-check", async () => {
    const { backend } = fakeStore((ns, spec) => (ns.endsWith("org") ? admitted(1)(ns, spec) : new Promise<Decision>(() => {})));
    const limiter = createRateLimiter({ policies: POLICIES, backend, timeoutMs: 100, warn: vi.fn() });
    const started = performance.now();
    const outcome = await limiter.checkAll([...gateway(), { policy: "signIn", identifier: "u1" }]);
    expect(performance.now() - started).toBeLessThan(190);
    expect(outcome.results.map((r) => [r?.success, r?.failedOpen ?? r?.failedClosed ?? false])).toEqual([
      [true, true],
      [true, false],
      [false, true],
    ]);
  });

  it("refuses an empty or invalid multi-check before asking the store", async () => {
    const { backend, calls } = fakeStore(admitted(1));
    const limiter = createRateLimiter({ policies: POLICIES, backend });
    await expect(limiter.checkAll([])).rejects.toThrow(TypeError);
    await expect(limiter.checkAll([...gateway(), { policy: "org", identifier: "" }])).rejects.toThrow(TypeError);
    await expect(limiter.checkAll([{ policy: "org", identifier: "o", limit: 5 }])).rejects.toThrow(/does not take/);
    expect(calls).toHaveLength(0);
  });
});

describe("the blocked cache never changes a fixed window's or token bucket's answers", () => {
  /** The in-process backend posing as a shared store, so that the limiter caches its denials. */
  const asShared = (memory: Backend): Backend => ({ kind: "redis", limit: memory.limit, close: memory.close });

  it.each(["fixedWindow", "tokenBucket"] as const)("%s: same decisions with and without it", async (algorithm: Algorithm) => {
    const policies = { p: { description: "t", algorithm, limit: 3, windowMs: 10_000, refillRate: 2, keyPrefix: "p", failMode: "closed" } } as const;
    const steps = fc.array(fc.record({ advance: fc.integer({ min: 0, max: 4_000 }), caller: fc.constantFrom("a", "b") }), { maxLength: 60 });
    await fc.assert(
      fc.asyncProperty(steps, async (sequence) => {
        let now = AT;
        const run = async (blockedCacheSize: number) => {
          const memory = createMemoryBackend({ now: () => now });
          const limiter = createRateLimiter({ policies, backend: asShared(memory), now: () => now, blockedCacheSize });
          now = AT;
          const answers: string[] = [];
          for (const { advance, caller } of sequence) {
            now += advance;
            const r = await limiter.check("p", caller);
            answers.push(`${r.success}/${r.reset}/${r.retryAfterSeconds}`);
          }
          return answers;
        };
        expect(await run(100)).toEqual(await run(0));
      }),
      { numRuns: 50 },
    );
  });
});
