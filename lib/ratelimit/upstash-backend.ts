import { Ratelimit } from "@upstash/ratelimit";
import type { Redis } from "@upstash/redis";
import type { Backend, BackendKind, Decision, LimitSpec } from "./types";

/**
 * The shared backend: `@upstash/ratelimit` over an `@upstash/redis` client,
 * which talks either to Upstash over REST or to a plain Redis through our
 * requester. One `Ratelimit` instance per namespace and limit, made on first
 * use and kept (a per-key limit override makes a new one; the cache is bounded).
 *
 * The library's own timeout is off (it would answer "success" on timeout, i.e.
 * fail open for every policy); the limiter applies its own timeout and the
 * policy's fail mode. Its ephemeral cache is off too: it is unbounded, and
 * the limiter keeps a bounded one of its own (./blocked-cache).
 *
 * `limit` reaches the client synchronously (the library issues its EVALSHA in
 * the same tick), so calls made together share the client's auto-pipeline.
 */
const MAX_INSTANCES = 1_000;

function algorithm(spec: LimitSpec) {
  const window = `${spec.windowMs} ms` as const;
  switch (spec.algorithm) {
    case "slidingWindow":
      return Ratelimit.slidingWindow(spec.limit, window);
    case "fixedWindow":
      return Ratelimit.fixedWindow(spec.limit, window);
    case "tokenBucket":
      return Ratelimit.tokenBucket(spec.refillRate, window, spec.limit);
  }
}

export function createUpstashBackend(
  kind: Exclude<BackendKind, "memory">,
  redis: Redis,
  close: () => Promise<void> = async () => {},
): Backend {
  const instances = new Map<string, Ratelimit>();

  function instanceFor(namespace: string, spec: LimitSpec): Ratelimit {
    const cacheKey = [namespace, spec.algorithm, spec.limit, spec.windowMs, spec.refillRate].join("|");
    let instance = instances.get(cacheKey);
    if (!instance) {
      if (instances.size >= MAX_INSTANCES) instances.clear();
      instance = new Ratelimit({
        redis,
        limiter: algorithm(spec),
        prefix: namespace,
        timeout: 0,
        ephemeralCache: false,
        analytics: false,
        enableProtection: false,
        enableTelemetry: false,
      });
      instances.set(cacheKey, instance);
    }
    return instance;
  }

  return {
    kind,
    async limit(namespace, id, spec): Promise<Decision> {
      const { success, limit, remaining, reset } = await instanceFor(namespace, spec).limit(id);
      return { success, limit, remaining, reset };
    },
    close,
  };
}
