import "server-only";
import { db } from "@/lib/db/client";
import { originMatcher } from "@/lib/net/origin";

/**
 * CORS for the SDK endpoints. A preflight carries no credentials, so it cannot
 * name its key: it is answered for an origin that at least one live key
 * allows (the union, reloaded at most every ORIGINS_TTL_MS), and refused for
 * every other. The real request is then checked against its own key's
 * origins. Never a wildcard, never credentials: the SDK API uses bearer keys.
 */
const ORIGINS_TTL_MS = 5_000;
const ALLOW_METHODS = "GET, POST, OPTIONS";
const EXPOSE_HEADERS = "x-request-id, retry-after, ratelimit-limit, ratelimit-remaining, ratelimit-reset, ratelimit-policy";
const MAX_AGE_SECONDS = "600";
/** Request headers a browser SDK caller may send (the openai package adds x-stainless-*). */
const HEADER_NAME = /^[a-z0-9-]{1,64}$/;

interface OriginIndex {
  allowed: (origin: string) => boolean;
  loadedAt: number;
}

const globalForCors = globalThis as unknown as { gatehouseOrigins?: OriginIndex; gatehouseOriginsLoading?: Promise<OriginIndex> };

async function loadIndex(): Promise<OriginIndex> {
  const rows = await db.$queryRaw<{ origin: string }[]>`
    SELECT DISTINCT unnest(allowed_origins) AS origin FROM api_keys
    WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`;
  return { allowed: originMatcher(rows.map((r) => r.origin)), loadedAt: Date.now() };
}

async function originIndex(): Promise<OriginIndex> {
  const current = globalForCors.gatehouseOrigins;
  if (current && Date.now() - current.loadedAt < ORIGINS_TTL_MS) return current;
  globalForCors.gatehouseOriginsLoading ??= loadIndex()
    .then((index) => (globalForCors.gatehouseOrigins = index))
    .finally(() => (globalForCors.gatehouseOriginsLoading = undefined));
  return globalForCors.gatehouseOriginsLoading;
}

/** Forget the union of allowed origins (after a key's origins change on this instance). */
export function resetOriginIndex(): void {
  globalForCors.gatehouseOrigins = undefined;
}

/** Headers for an actual response to an origin the key allowed. */
export function corsHeaders(origin: string): Record<string, string> {
  return { "Access-Control-Allow-Origin": origin, "Access-Control-Expose-Headers": EXPOSE_HEADERS, Vary: "Origin" };
}

/** Answer a preflight: 204 with the CORS grant for an allowlisted origin, 403 without one for anything else. */
export async function preflightResponse(headers: Headers): Promise<Response> {
  const origin = headers.get("origin");
  if (origin === null || !(await originIndex()).allowed(origin)) {
    return new Response(null, { status: 403, headers: { Vary: "Origin", "Cache-Control": "no-store" } });
  }
  const requested = (headers.get("access-control-request-headers") ?? "")
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter((name) => HEADER_NAME.test(name));
  return new Response(null, {
    status: 204,
    headers: {
      "Access-Control-Allow-Origin": origin,
      "Access-Control-Allow-Methods": ALLOW_METHODS,
      "Access-Control-Allow-Headers": [...new Set(["authorization", "content-type", "x-provider-key", ...requested])].join(", "),
      "Access-Control-Max-Age": MAX_AGE_SECONDS,
      Vary: "Origin, Access-Control-Request-Headers",
      "Cache-Control": "no-store",
    },
  });
}
