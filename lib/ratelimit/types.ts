/** The vocabulary shared by the policies, the backends and the limiter. */

export type Algorithm = "slidingWindow" | "fixedWindow" | "tokenBucket";

/** What to do when the backend is unreachable, throws or times out. */
export type FailMode = "closed" | "open";

export interface RateLimitPolicy {
  /** One line for the reader: who is limited, and why this fail mode. */
  readonly description: string;
  readonly algorithm: Algorithm;
  /** Requests per window (token bucket: bucket size). */
  readonly limit: number;
  /** Window length (token bucket: refill interval), in milliseconds. */
  readonly windowMs: number;
  /** Token bucket only: tokens added per interval (default: `limit`). */
  readonly refillRate?: number;
  /** Key segment under the limiter's prefix; unique per policy (fixed and sliding windows use the same key shape). */
  readonly keyPrefix: string;
  /** closed → deny when the backend fails; open → allow. Either way a warning is logged. */
  readonly failMode: FailMode;
  /** "local" keeps the counters in this process whatever backend is configured. */
  readonly store?: "shared" | "local";
  /** Callers may pass `{ limit }` (e.g. a per-API-key limit from the database). */
  readonly allowLimitOverride?: boolean;
  /** Lower-case the identifier first (emails), so case variants share one counter. */
  readonly normalize?: "lowercase";
}

/** The algorithm and numbers a backend needs for one check. */
export interface LimitSpec {
  readonly algorithm: Algorithm;
  readonly limit: number;
  readonly windowMs: number;
  readonly refillRate: number;
}

/** A backend's answer. `reset` is a Unix epoch in milliseconds. */
export interface Decision {
  success: boolean;
  limit: number;
  remaining: number;
  reset: number;
}

export type BackendKind = "upstash" | "redis" | "memory";

export interface Backend {
  readonly kind: BackendKind;
  /**
   * Count one request against `id` (already hashed) in `namespace` (the
   * limiter's prefix and the policy's key prefix, joined by ":"). The shared
   * backends send the calls made in one tick to the store together, in one
   * round trip; the limiter relies on it for a multi-check.
   */
  limit(namespace: string, id: string, spec: LimitSpec): Promise<Decision>;
  close(): Promise<void>;
}

export interface RateLimitResult extends Decision {
  /** Whole seconds until a denied caller may retry (0 when admitted). */
  retryAfterSeconds: number;
  /** The backend failed and the policy let the request through. */
  failedOpen?: true;
  /** The backend failed and the policy denied the request. */
  failedClosed?: true;
  /** Denied in-process: the store denied this caller before, and its reset has not come yet. */
  knownBlocked?: true;
}

export interface CheckOptions {
  /** Override the policy's limit (only where the policy allows it). */
  limit?: number;
}

/** One check of a multi-check. */
export interface RateLimitCheck<N extends string = string> {
  policy: N;
  identifier: string;
  /** Override the policy's limit (only where the policy allows it). */
  limit?: number;
}

/**
 * The answer to a multi-check, one result per check in the order given, and
 * `limiting`: the result response headers should describe (the denial with
 * the longest wait, or else the admitted check closest to its limit). When a
 * check was already known to be blocked, the store was not asked and the
 * checks not known locally have no result.
 */
export type MultiCheckResult =
  | { success: true; results: RateLimitResult[]; limiting: RateLimitResult; denied?: undefined }
  | { success: false; results: (RateLimitResult | undefined)[]; limiting: RateLimitResult; denied: RateLimitResult };
