import { describe, expect, it } from "vitest";
import { BlockedCache, DEFAULT_BLOCKED_ENTRIES } from "@/lib/ratelimit/blocked-cache";

const AT = 1_700_000_000_000;

describe("BlockedCache", () => {
  it("blocks until the reset, and not at or after it", () => {
    const cache = new BlockedCache();
    cache.block("k", AT + 5_000, AT);
    expect(cache.blockedUntil("k", AT)).toBe(AT + 5_000);
    expect(cache.blockedUntil("k", AT + 4_999)).toBe(AT + 5_000);
    expect(cache.blockedUntil("k", AT + 5_000)).toBeUndefined();
    expect(cache.size).toBe(0); // an expired entry goes when it is read
    expect(cache.blockedUntil("other", AT)).toBeUndefined();
  });

  it("ignores a reset already past, and keeps the later of two resets", () => {
    const cache = new BlockedCache();
    cache.block("past", AT - 1, AT);
    cache.block("now", AT, AT);
    expect(cache.size).toBe(0);
    cache.block("k", AT + 9_000, AT);
    cache.block("k", AT + 2_000, AT); // a late answer from before must not shorten the block
    expect(cache.blockedUntil("k", AT)).toBe(AT + 9_000);
  });

  it("is bounded: past maxEntries the least recently used entry goes", () => {
    const cache = new BlockedCache(3);
    for (const key of ["a", "b", "c"]) cache.block(key, AT + 60_000, AT);
    expect(cache.blockedUntil("a", AT)).toBeDefined(); // "a" is now the most recently used
    cache.block("d", AT + 60_000, AT);
    expect(cache.size).toBe(3);
    expect(cache.blockedUntil("b", AT)).toBeUndefined();
    for (const key of ["a", "c", "d"]) expect(cache.blockedUntil(key, AT)).toBe(AT + 60_000);
  });

  it("stays at its bound under many callers", () => {
    const cache = new BlockedCache();
    for (let i = 0; i < DEFAULT_BLOCKED_ENTRIES * 3; i++) cache.block(`caller-${i}`, AT + 60_000, AT);
    expect(cache.size).toBe(DEFAULT_BLOCKED_ENTRIES);
    expect(cache.blockedUntil(`caller-${DEFAULT_BLOCKED_ENTRIES * 3 - 1}`, AT)).toBe(AT + 60_000);
    expect(cache.blockedUntil("caller-0", AT)).toBeUndefined();
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it("with room for none, remembers nothing; refuses a nonsensical size", () => {
    const off = new BlockedCache(0);
    off.block("k", AT + 60_000, AT);
    expect(off.blockedUntil("k", AT)).toBeUndefined();
    expect(() => new BlockedCache(-1)).toThrow(RangeError);
    expect(() => new BlockedCache(1.5)).toThrow(RangeError);
  });
});
