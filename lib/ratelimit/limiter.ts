import { createHmac } from "node:crypto";
import { log } from "@/lib/log";
import { openBackend, type BackendConfig } from "./backend";
import { createMemoryBackend } from "./memory-backend";
import type { Backend, BackendKind, CheckOptions, Decision, LimitSpec, RateLimitPolicy, RateLimitResult } from "./types";

/**
 * A limiter over a set of named policies: hashes the identifier, applies the
 * policy through the backend under a deadline, and turns a failing backend
 * into the policy's written-down fail mode (with a warning, never the raw
 * identifier or a credential).
 */
export interface RateLimiterOptions<P extends Record<string, RateLimitPolicy>> {
  policies: P;
  /** A configuration to open (and close with the limiter), or an open backend (left open). */
  backend: BackendConfig | Backend;
  /** Key prefix for every counter; give tests sharing a Redis their own. */
  prefix?: string;
  /** Deadline for one backend call, in milliseconds. */
  timeoutMs?: number;
  /** HMAC key for identifiers, so stored keys cannot be matched against known emails or IPs. */
  identifierKey?: string | Buffer;
  /** Where failures are reported (default: the structured log). */
  warn?: (message: string, fields: Record<string, unknown>) => void;
  now?: () => number;
}

export interface RateLimiter<N extends string> {
  readonly backend: BackendKind;
  check(policy: N, identifier: string, options?: CheckOptions): Promise<RateLimitResult>;
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

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BackendTimeoutError(ms)), ms);
  });
  promise.catch(() => {}); // a failure after the deadline is not an unhandled rejection
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
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

  return {
    backend: shared.kind,
    async check(name, identifier, checkOptions) {
      const policy = Object.hasOwn(policies, name) ? policies[name] : undefined;
      if (!policy) throw new TypeError(`Unknown rate-limit policy "${name}"`);
      const spec = specFor(name, policy, checkOptions?.limit);
      const id = hashIdentifier(policy, identifier);
      const backend = policy.store === "local" ? (local ??= createMemoryBackend({ now })) : shared;
      try {
        const decision = await withTimeout(backend.limit(`${prefix}:${policy.keyPrefix}`, id, spec), timeoutMs);
        return fromDecision(decision, now());
      } catch (error) {
        warnFailure(name, policy, backend, error);
        return failed(policy, spec, now());
      }
    },
    async close() {
      if (local && local !== shared) await local.close();
      if (owned) await shared.close();
    },
  };
}
