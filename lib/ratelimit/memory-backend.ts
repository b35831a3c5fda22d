import type { Backend, Decision, LimitSpec } from "./types";

/**
 * In-process limiter with the same algorithms and the same answers as
 * `@upstash/ratelimit`'s Lua scripts (fixed window, sliding window, token
 * bucket). Counts for this process only: right for the embedded default and
 * for coarse limits in the proxy, wrong for anything that must hold across
 * instances. Each check runs synchronously, so concurrent checks cannot race.
 *
 * Memory is bounded: expired entries are swept at most once per
 * `sweepEveryMs`, and beyond `maxEntries` the oldest entries are dropped
 * (which forgets their counts — acceptable for a single-process limiter).
 */
interface Entry {
  /** Counter (windows) or tokens left (bucket). */
  value: number;
  /** Token bucket: when it was last refilled. */
  refilledAt: number;
  expiresAt: number;
}

export interface MemoryBackendOptions {
  now?: () => number;
  maxEntries?: number;
  sweepEveryMs?: number;
}

export interface MemoryBackend extends Backend {
  readonly kind: "memory";
  /** Live entries (for tests and diagnostics). */
  size(): number;
}

export function createMemoryBackend(options: MemoryBackendOptions = {}): MemoryBackend {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 50_000;
  const sweepEveryMs = options.sweepEveryMs ?? 10_000;
  const entries = new Map<string, Entry>();
  let nextSweep = 0;

  function read(key: string, at: number): Entry | undefined {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= at) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  }

  function write(key: string, entry: Entry): void {
    entries.set(key, entry);
    if (entries.size > maxEntries) {
      for (const oldest of entries.keys()) {
        entries.delete(oldest);
        if (entries.size <= maxEntries) break;
      }
    }
  }

  function sweep(at: number): void {
    if (at < nextSweep) return;
    nextSweep = at + sweepEveryMs;
    for (const [key, entry] of entries) if (entry.expiresAt <= at) entries.delete(key);
  }

  function fixedWindow(key: string, spec: LimitSpec, at: number): Decision {
    const bucket = Math.floor(at / spec.windowMs);
    const reset = (bucket + 1) * spec.windowMs;
    const bucketKey = `${key}:${bucket}`;
    const entry = read(bucketKey, at) ?? { value: 0, refilledAt: 0, expiresAt: reset };
    entry.value += 1; // like the Lua script, denied requests count too
    write(bucketKey, entry);
    const success = entry.value <= spec.limit;
    return { success, limit: spec.limit, remaining: Math.max(0, spec.limit - entry.value), reset };
  }

  function slidingWindow(key: string, spec: LimitSpec, at: number): Decision {
    const current = Math.floor(at / spec.windowMs);
    const reset = (current + 1) * spec.windowMs;
    const currentKey = `${key}:${current}`;
    const inCurrent = read(currentKey, at)?.value ?? 0;
    const inPrevious = read(`${key}:${current - 1}`, at)?.value ?? 0;
    const weightedPrevious = Math.floor((1 - (at % spec.windowMs) / spec.windowMs) * inPrevious);
    if (weightedPrevious + inCurrent >= spec.limit) {
      return { success: false, limit: spec.limit, remaining: 0, reset };
    }
    const entry = read(currentKey, at) ?? { value: 0, refilledAt: 0, expiresAt: at + spec.windowMs * 2 + 1_000 };
    entry.value += 1;
    write(currentKey, entry);
    return { success: true, limit: spec.limit, remaining: Math.max(0, spec.limit - (entry.value + weightedPrevious)), reset };
  }

  function tokenBucket(key: string, spec: LimitSpec, at: number): Decision {
    const entry = read(key, at) ?? { value: spec.limit, refilledAt: at, expiresAt: 0 };
    if (at >= entry.refilledAt + spec.windowMs) {
      const refills = Math.floor((at - entry.refilledAt) / spec.windowMs);
      entry.value = Math.min(spec.limit, entry.value + refills * spec.refillRate);
      entry.refilledAt += refills * spec.windowMs;
    }
    const reset = entry.refilledAt + spec.windowMs;
    if (entry.value < 1) return { success: false, limit: spec.limit, remaining: 0, reset };
    entry.value -= 1;
    entry.expiresAt = at + Math.max(1, Math.ceil((spec.limit - entry.value) / spec.refillRate) * spec.windowMs);
    write(key, entry);
    return { success: true, limit: spec.limit, remaining: entry.value, reset };
  }

  const algorithms = { fixedWindow, slidingWindow, tokenBucket };

  return {
    kind: "memory",
    async limit(namespace, id, spec) {
      const at = now();
      sweep(at);
      return algorithms[spec.algorithm](`${namespace}:${id}`, spec, at);
    },
    async close() {
      entries.clear();
    },
    size: () => entries.size,
  };
}
