/**
 * Callers the store has denied, each until the reset the store gave: a check
 * before then is denied in-process, without a round trip (the idea of
 * `@upstash/ratelimit`'s ephemeral cache, bounded). Keys are the policy, the
 * hashed identifier and the limit, so a changed per-key limit asks the store
 * again.
 *
 * It only ever denies, so it cannot admit what the store would deny. It can
 * deny what the store would admit: a sliding window's previous window weighs
 * less as time passes, so the store may admit a caller before its reset; the
 * cache holds the caller to the Retry-After the store sent. Fixed windows and
 * token buckets reset exactly then.
 *
 * Bounded: past `maxEntries` the least recently used entry is dropped, which
 * only costs that caller a round trip. An expired entry goes when it is read,
 * or in its turn as the least recently used.
 */
export const DEFAULT_BLOCKED_ENTRIES = 10_000;

export class BlockedCache {
  /** key → reset (Unix epoch ms); Map order is least recently used first. */
  private readonly resets = new Map<string, number>();

  constructor(readonly maxEntries = DEFAULT_BLOCKED_ENTRIES) {
    if (!Number.isInteger(maxEntries) || maxEntries < 0) throw new RangeError("maxEntries must be a non-negative integer");
  }

  /** The reset of a block on `key` still running at `at`, if any. */
  blockedUntil(key: string, at: number): number | undefined {
    const reset = this.resets.get(key);
    if (reset === undefined) return undefined;
    this.resets.delete(key);
    if (reset <= at) return undefined;
    this.resets.set(key, reset); // now the most recently used
    return reset;
  }

  /** Deny `key` in-process until `reset` (a reset already past is ignored). */
  block(key: string, reset: number, at: number): void {
    if (this.maxEntries === 0 || !(reset > at)) return;
    const previous = this.resets.get(key);
    this.resets.delete(key);
    this.resets.set(key, previous !== undefined && previous > reset ? previous : reset);
    for (const oldest of this.resets.keys()) {
      if (this.resets.size <= this.maxEntries) break;
      this.resets.delete(oldest);
    }
  }

  get size(): number {
    return this.resets.size;
  }

  clear(): void {
    this.resets.clear();
  }
}
