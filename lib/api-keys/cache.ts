/**
 * A bounded, time-limited map from key hash to what the gateway needs to know
 * about the key, with one load in flight per hash. An entry is trusted for at
 * most `ttlMs` after it was loaded: that is the bound on how long a change
 * made on another instance (revocation, rotation expiry, new restrictions)
 * can go unseen here. Changes made through this instance evict at once.
 * Unknown hashes are cached too (as null), so a flood of made-up keys costs
 * one query per key per TTL, not one per request.
 */
export interface KeyCacheOptions<V> {
  load: (hash: string) => Promise<V | null>;
  ttlMs: number;
  maxEntries: number;
  now?: () => number;
  onHit?: () => void;
  onMiss?: () => void;
}

interface Entry<V> {
  value: V | null;
  loadedAt: number;
}

export class KeyCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly inflight = new Map<string, Promise<V | null>>();
  /** Bumped by every eviction: a load that started before it must not be cached. */
  private epoch = 0;
  private readonly now: () => number;

  constructor(private readonly options: KeyCacheOptions<V>) {
    this.now = options.now ?? (() => Date.now());
  }

  /** The cached value while fresh; otherwise one shared load. */
  get(hash: string): V | null | Promise<V | null> {
    const entry = this.entries.get(hash);
    if (entry && this.now() - entry.loadedAt < this.options.ttlMs) {
      this.options.onHit?.();
      return entry.value;
    }
    return this.loadShared(hash);
  }

  private loadShared(hash: string): Promise<V | null> {
    const pending = this.inflight.get(hash);
    if (pending) return pending;
    this.options.onMiss?.();
    const loadedAt = this.now();
    const epoch = this.epoch;
    const promise = this.options
      .load(hash)
      .then((value) => {
        // A revocation (or other change) evicted meanwhile: what this load read may predate it.
        if (epoch === this.epoch) this.set(hash, { value, loadedAt });
        return value;
      })
      .finally(() => {
        if (this.inflight.get(hash) === promise) this.inflight.delete(hash);
      });
    this.inflight.set(hash, promise);
    return promise;
  }

  private set(hash: string, entry: Entry<V>): void {
    this.entries.delete(hash);
    if (this.entries.size >= this.options.maxEntries) {
      // Oldest insertion first: a Map iterates in insertion order.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(hash, entry);
  }

  /**
   * Loads in flight may have read the database before the change that causes
   * an eviction: later callers start a fresh load instead of joining them, and
   * their results are not cached.
   */
  private invalidateLoads(): void {
    this.epoch++;
    this.inflight.clear();
  }

  /** Drop every entry the predicate matches (e.g. all secrets of one key). */
  evict(match: (value: V) => boolean): void {
    this.invalidateLoads();
    for (const [hash, entry] of this.entries) if (entry.value && match(entry.value)) this.entries.delete(hash);
  }

  /** Drop every entry whose key the predicate matches, cached misses included. */
  evictKeys(match: (key: string) => boolean): void {
    this.invalidateLoads();
    for (const key of this.entries.keys()) if (match(key)) this.entries.delete(key);
  }

  clear(): void {
    this.invalidateLoads();
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
