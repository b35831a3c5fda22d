import { createHmac } from "node:crypto";
import { log } from "@/lib/log";
import { openBackend, type BackendConfig } from "./backend";
import { BlockedCache, DEFAULT_BLOCKED_ENTRIES } from "./blocked-cache";
import { createMemoryBackend } from "./memory-backend";
import type {
  Backend,
  BackendKind,
  CheckOptions,
  Decision,
  LimitSpec,
  MultiCheckResult,
  RateLimitCheck,
  RateLimitPolicy,
  RateLimitResult,
} from "./types";

/**
 * A limiter over a set of named policies: hashes the identifier, applies the
 * policy through the backend under a deadline, and turns a failing backend
 * into the policy's written-down fail mode (with a warning, never the raw
 * identifier or a credential).
 *
 * `checkAll` makes several checks as one: their backend calls are issued in
 * the same tick, which the shared backends send in one round trip, under one
 * deadline. A caller the store has denied is denied in-process until the
 * store's reset (see ./blocked-cache); a multi-check with such a caller in it
 * asks the store nothing and counts nothing.
 */
export interface RateLimiterOptions<P extends Record<string, RateLimitPolicy>> {
  policies: P;
  /** A configuration to open (and close with the limiter), or an open backend (left open). */
  backend: BackendConfig | Backend;
  /** Key prefix for every counter; give tests sharing a Redis their own. */
  prefix?: string;
  /** Deadline for one backend call (or one multi-check), in milliseconds. */
  timeoutMs?: number;
  /** HMAC key for identifiers, so stored keys cannot be matched against known emails or IPs. */
  identifierKey?: string | Buffer;
  /** Entries of the in-process cache of blocked callers (0 turns it off). */
  blockedCacheSize?: number;
  /** Where failures are reported (default: the structured log). */
  warn?: (message: string, fields: Record<string, unknown>) => void;
  now?: () => number;
}

export interface RateLimiter<N extends string> {
  readonly backend: BackendKind;
  check(policy: N, identifier: string, options?: CheckOptions): Promise<RateLimitResult>;
  /** Several checks, e.g. per API key and per organisation, in one round trip to the store. */
  checkAll(checks: readonly RateLimitCheck<N>[]): Promise<MultiCheckResult>;
  close(): Promise<void>;
}

export const DEFAULT_PREFIX = "gatehouse:rl";
export const DEFAULT_TIMEOUT_MS = 500;
/** Retry-After given when a fail-closed policy denies because the backend is down. */
const FAILED_CLOSED_RETRY_MS = 5_000;
/** At most one warning per policy in this interval; the rest are counted. */
const WARN_EVERY_MS = 10_000;
const MAX_LIMIT = 1_000_000;

class BackendTimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = "BackendTimeoutError";
  }
}

/** Settle every promise, failing those still pending after `ms` (one timer for them all). */
function settleWithin<T>(promises: Promise<T>[], ms: number): Promise<PromiseSettledResult<T>[]> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BackendTimeoutError(ms)), ms);
  });
  deadline.catch(() => {}); // nothing may be left pending on it
  // Racing attaches a handler, so a failure after the deadline is not an unhandled rejection.
  return Promise.allSettled(promises.map((promise) => Promise.race([promise, deadline]))).finally(() => clearTimeout(timer));
}

/** The error, fit for a log line: no command (it holds keys), no URL credentials, no tokens. */
export function describeError(error: unknown): string {
  const name = error instanceof Error ? error.name : "Error";
  const message = (error instanceof Error ? error.message : String(error))
    .split(", command was:")[0]!
    .replace(/\/\/[^/\s@]*@/g, "//***@")
    .replace(/Bearer\s+\S+/gi, "Bearer ***");
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === "string" ? ` (${cause.code})` : "";
  return `${name}: ${message.slice(0, 200)}${code}`;
}

export function createRateLimiter<P extends Record<string, RateLimitPolicy>>(
  options: RateLimiterOptions<P>,
): RateLimiter<keyof P & string> {
  const { policies } = options;
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  const warn = options.warn ?? log.warn;
  const identifierKey = options.identifierKey ?? "gatehouse-ratelimit";
  const owned = !("limit" in options.backend);
  const shared: Backend = "limit" in options.backend ? options.backend : openBackend(options.backend, { timeoutMs });
  let local: Backend | undefined = shared.kind === "memory" ? shared : undefined;
  const warned = new Map<string, { at: number; suppressed: number }>();
  const blocked = new BlockedCache(options.blockedCacheSize ?? DEFAULT_BLOCKED_ENTRIES);

  function hashIdentifier(policy: RateLimitPolicy, identifier: string): string {
    if (typeof identifier !== "string" || identifier.length === 0) throw new TypeError("Rate-limit identifier must be a non-empty string");
    const normalized = policy.normalize === "lowercase" ? identifier.trim().toLowerCase() : identifier;
    return createHmac("sha256", identifierKey).update(normalized).digest("hex").slice(0, 32);
  }

  function specFor(name: string, policy: RateLimitPolicy, override: number | undefined): LimitSpec {
    if (override !== undefined) {
      if (!policy.allowLimitOverride) throw new TypeError(`Rate-limit policy "${name}" does not take a per-call limit`);
      if (!Number.isInteger(override) || override < 1 || override > MAX_LIMIT) throw new RangeError(`Rate limit must be an integer from 1 to ${MAX_LIMIT}`);
    }
    const limit = override ?? policy.limit;
    return { algorithm: policy.algorithm, limit, windowMs: policy.windowMs, refillRate: policy.refillRate ?? limit };
  }

  function warnFailure(name: string, policy: RateLimitPolicy, backend: Backend, error: unknown): void {
    const at = now();
    const last = warned.get(name);
    if (last && at - last.at < WARN_EVERY_MS) {
      last.suppressed += 1;
      return;
    }
    warned.set(name, { at, suppressed: 0 });
    warn(`rate-limit backend failed; failing ${policy.failMode}`, {
      policy: name,
      backend: backend.kind,
      failMode: policy.failMode,
      error: describeError(error),
      suppressedSinceLast: last?.suppressed ?? 0,
    });
  }

  function fromDecision(decision: Decision, at: number): RateLimitResult {
    const retryAfterSeconds = decision.success ? 0 : Math.max(1, Math.ceil((decision.reset - at) / 1_000));
    return { ...decision, remaining: Math.max(0, decision.remaining), retryAfterSeconds };
  }

  function failed(policy: RateLimitPolicy, spec: LimitSpec, at: number): RateLimitResult {
    if (policy.failMode === "open") {
      return { success: true, limit: spec.limit, remaining: spec.limit, reset: at + spec.windowMs, retryAfterSeconds: 0, failedOpen: true };
    }
    const retryMs = Math.min(FAILED_CLOSED_RETRY_MS, spec.windowMs);
    return { success: false, limit: spec.limit, remaining: 0, reset: at + retryMs, retryAfterSeconds: Math.max(1, Math.ceil(retryMs / 1_000)), failedClosed: true };
  }

  function prepare(check: RateLimitCheck<keyof P & string>): Prepared {
    const name = check.policy;
    const policy = Object.hasOwn(policies, name) ? policies[name] : undefined;
    if (!policy) throw new TypeError(`Unknown rate-limit policy "${name}"`);
    const spec = specFor(name, policy, check.limit);
    const id = hashIdentifier(policy, check.identifier);
    const backend = policy.store === "local" ? (local ??= createMemoryBackend({ now })) : shared;
    // In-process counters answer without a round trip; only a store's denials are worth remembering.
    const blockedKey = backend.kind === "memory" ? undefined : `${name}|${id}|${spec.limit}`;
    return { name, policy, spec, id, backend, blockedKey };
  }

  /** Answer from the blocked cache alone, if any check is known to be blocked. */
  function knownDenial(prepared: Prepared[], at: number): MultiCheckResult | undefined {
    const results = prepared.map(({ spec, blockedKey }) => {
      const reset = blockedKey === undefined ? undefined : blocked.blockedUntil(blockedKey, at);
      return reset === undefined ? undefined : knownBlocked(spec, reset, at);
    });
    const denied = longestWait(results.filter((result) => result !== undefined));
    return denied && { success: false, results, limiting: denied, denied };
  }

  async function checkAll(checks: readonly RateLimitCheck<keyof P & string>[]): Promise<MultiCheckResult> {
    if (!Array.isArray(checks) || checks.length === 0) throw new TypeError("A multi-check needs at least one check");
    const prepared = checks.map(prepare);
    const known = knownDenial(prepared, now());
    if (known) return known;
    // Every backend call in this one tick: the shared backends pipeline them into one round trip.
    const calls = prepared.map(({ policy, id, spec, backend }) => backend.limit(`${prefix}:${policy.keyPrefix}`, id, spec));
    const settled = await settleWithin(calls, timeoutMs);
    const at = now();
    const results = settled.map((outcome, index): RateLimitResult => {
      const { name, policy, spec, backend, blockedKey } = prepared[index]!;
      if (outcome.status === "rejected") {
        warnFailure(name, policy, backend, outcome.reason);
        return failed(policy, spec, at);
      }
      const result = fromDecision(outcome.value, at);
      if (!result.success && blockedKey !== undefined) blocked.block(blockedKey, result.reset, at);
      return result;
    });
    const denied = longestWait(results.filter((result) => !result.success));
    if (denied) return { success: false, results, limiting: denied, denied };
    return { success: true, results, limiting: closestToLimit(results) };
  }

  return {
    backend: shared.kind,
    async check(policy, identifier, checkOptions) {
      return (await checkAll([{ policy, identifier, limit: checkOptions?.limit }])).limiting;
    },
    checkAll,
    async close() {
      blocked.clear();
      if (local && local !== shared) await local.close();
      if (owned) await shared.close();
    },
  };
}

interface Prepared {
  name: string;
  policy: RateLimitPolicy;
  spec: LimitSpec;
  id: string;
  backend: Backend;
  /** Key in the blocked cache; none for in-process counters. */
  blockedKey: string | undefined;
}

function knownBlocked(spec: LimitSpec, reset: number, at: number): RateLimitResult {
  const retryAfterSeconds = Math.max(1, Math.ceil((reset - at) / 1_000));
  return { success: false, limit: spec.limit, remaining: 0, reset, retryAfterSeconds, knownBlocked: true };
}

/** The denial to report: the one with the longest wait. */
function longestWait(denials: RateLimitResult[]): RateLimitResult | undefined {
  let longest: RateLimitResult | undefined;
  for (const denial of denials) {
    if (!longest || denial.retryAfterSeconds > longest.retryAfterSeconds || (denial.retryAfterSeconds === longest.retryAfterSeconds && denial.reset > longest.reset)) {
      longest = denial;
    }
  }
  return longest;
}

/** The admitted result closest to its limit: fewest remaining, then the later reset. */
function closestToLimit(results: RateLimitResult[]): RateLimitResult {
  return results.reduce((closest, result) =>
    result.remaining < closest.remaining || (result.remaining === closest.remaining && result.reset > closest.reset) ? result : closest,
  );
}
