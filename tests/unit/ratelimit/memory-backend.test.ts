import { describe, expect, it } from "vitest";
import { createMemoryBackend } from "@/lib/ratelimit/memory-backend";
import type { Algorithm, LimitSpec } from "@/lib/ratelimit/types";

const WINDOW = 60_000;
const spec = (algorithm: Algorithm, limit = 10, refillRate = limit): LimitSpec => ({ algorithm, limit, windowMs: WINDOW, refillRate });

/** A clock the test moves; starts at the beginning of a window. */
function clock(start = WINDOW * 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms), set: (at: number) => (now = at) };
}

async function admitted(backend: ReturnType<typeof createMemoryBackend>, s: LimitSpec, id = "id", n = 50) {
  const results = await Promise.all(Array.from({ length: n }, () => backend.limit("ns", id, s)));
  return results.filter((r) => r.success).length;
}

describe("in-process backend", () => {
  it.each(["slidingWindow", "fixedWindow", "tokenBucket"] as const)("%s: 50 concurrent requests on a limit of 10 admit exactly 10", async (algorithm) => {
    const backend = createMemoryBackend();
    expect(await admitted(backend, spec(algorithm))).toBe(10);
    expect(await admitted(backend, spec(algorithm), "other", 3)).toBe(3);
  });

  it("reports remaining and reset like the Upstash scripts", async () => {
    const t = clock();
    const backend = createMemoryBackend({ now: t.now });
    t.advance(15_000);
    const first = await backend.limit("ns", "fixed", spec("fixedWindow"));
    expect(first).toEqual({ success: true, limit: 10, remaining: 9, reset: WINDOW * 1_001 });
    const sliding = await backend.limit("ns", "sliding", spec("slidingWindow"));
    expect(sliding).toEqual({ success: true, limit: 10, remaining: 9, reset: WINDOW * 1_001 });
    const bucket = await backend.limit("ns", "bucket", spec("tokenBucket"));
    expect(bucket).toEqual({ success: true, limit: 10, remaining: 9, reset: t.now() + WINDOW });
  });

  it("fixed window: a new window starts from zero", async () => {
    const t = clock();
    const backend = createMemoryBackend({ now: t.now });
    expect(await admitted(backend, spec("fixedWindow"))).toBe(10);
    t.advance(WINDOW - 1);
    expect(await admitted(backend, spec("fixedWindow"))).toBe(0);
    t.advance(1);
    expect(await admitted(backend, spec("fixedWindow"))).toBe(10);
  });

  it("sliding window: the previous window weighs in proportion to its overlap", async () => {
    const t = clock();
    const backend = createMemoryBackend({ now: t.now });
    expect(await admitted(backend, spec("slidingWindow"))).toBe(10);
    t.advance(WINDOW); // start of the next window: the previous one still counts in full
    expect(await admitted(backend, spec("slidingWindow"))).toBe(0);
    t.advance(WINDOW / 2); // halfway: floor(0.5 × 10) = 5 still count
    expect(await admitted(backend, spec("slidingWindow"))).toBe(5);
    t.advance(WINDOW * 2); // two windows on, nothing counts
    expect(await admitted(backend, spec("slidingWindow"))).toBe(10);
  });

  it("token bucket: refills refillRate tokens per interval, up to the limit", async () => {
    const t = clock();
    const backend = createMemoryBackend({ now: t.now });
    const s = spec("tokenBucket", 10, 2);
    expect(await admitted(backend, s)).toBe(10);
    const denied = await backend.limit("ns", "id", s);
    expect(denied).toMatchObject({ success: false, remaining: 0, reset: t.now() + WINDOW });
    t.advance(WINDOW);
    expect(await admitted(backend, s)).toBe(2);
    t.advance(WINDOW * 100);
    expect(await admitted(backend, s)).toBe(10);
  });

  it("keeps memory bounded: expired entries are swept, and old ones dropped past the cap", async () => {
    const t = clock();
    const backend = createMemoryBackend({ now: t.now, maxEntries: 100, sweepEveryMs: 1_000 });
    for (let i = 0; i < 500; i++) await backend.limit("ns", `id-${i}`, spec("fixedWindow"));
    expect(backend.size()).toBe(100);
    t.advance(WINDOW * 3);
    await backend.limit("ns", "late", spec("fixedWindow"));
    expect(backend.size()).toBe(1);
    await backend.close();
    expect(backend.size()).toBe(0);
  });
});
