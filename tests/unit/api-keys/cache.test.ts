import { describe, expect, it } from "vitest";
import { KeyCache } from "@/lib/api-keys/cache";

/** A load that resolves only when the test says so. */
function deferredLoads() {
  const pending: { hash: string; resolve: (value: string | null) => void }[] = [];
  const load = (hash: string) => new Promise<string | null>((resolve) => pending.push({ hash, resolve }));
  return { pending, load };
}

describe("KeyCache", () => {
  it("shares one load per hash and serves it from memory until the TTL", async () => {
    let now = 0;
    const loads = deferredLoads();
    const cache = new KeyCache({ load: loads.load, ttlMs: 5_000, maxEntries: 10, now: () => now });
    const a = cache.get("h");
    const b = cache.get("h");
    expect(loads.pending).toHaveLength(1);
    loads.pending[0]!.resolve("v1");
    expect(await a).toBe("v1");
    expect(await b).toBe("v1");
    now = 4_999;
    expect(cache.get("h")).toBe("v1");
    now = 5_000;
    void cache.get("h");
    expect(loads.pending).toHaveLength(2);
  });

  it("does not cache what a load read before an eviction, and later callers load afresh", async () => {
    const loads = deferredLoads();
    const cache = new KeyCache({ load: loads.load, ttlMs: 5_000, maxEntries: 10 });
    const before = cache.get("h");
    // The change commits and evicts while the first load is still reading.
    cache.evict((value) => value === "old");
    const after = cache.get("h");
    expect(loads.pending).toHaveLength(2);
    loads.pending[0]!.resolve("old");
    loads.pending[1]!.resolve("new");
    expect(await before).toBe("old");
    expect(await after).toBe("new");
    expect(cache.get("h")).toBe("new");
  });

  it("evictKeys and clear invalidate loads in flight too", async () => {
    const loads = deferredLoads();
    const cache = new KeyCache({ load: loads.load, ttlMs: 5_000, maxEntries: 10 });
    const first = cache.get("org1:h");
    cache.evictKeys((key) => key.startsWith("org1:"));
    loads.pending[0]!.resolve("stale");
    await first;
    expect(cache.size).toBe(0);
    const second = cache.get("org1:h");
    cache.clear();
    loads.pending[1]!.resolve("stale too");
    await second;
    expect(cache.size).toBe(0);
  });
});
