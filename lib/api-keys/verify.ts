import "server-only";
import { db } from "@/lib/db/client";
import { increment } from "@/lib/metrics";
import { cidrMatcher } from "@/lib/net/cidr";
import { originMatcher } from "@/lib/net/origin";
import { AppError } from "@/lib/security/errors";
import { KeyCache } from "./cache";
import { hashApiKey, looksLikeApiKey } from "./format";
import type { ProviderKeyMode } from "@/lib/settings/schemas";
import type { ApiKeyScope } from "./schemas";

/**
 * API-key verification on the hot path. The key's hash is looked up once per
 * `KEY_CACHE_TTL_MS` per instance (one SQL query that also brings the project's
 * and org's data-handling settings and provider-key mode); between loads every check runs from
 * memory. Each failure has its own error code; an unknown key, a key of a
 * deleted org and a malformed key all answer `invalid_api_key`, so nothing
 * tells a caller whether some other org's key exists.
 */
export const KEY_CACHE_TTL_MS = 5_000;
const MAX_CACHED_KEYS = 10_000;

export interface KeyRecord {
  keyId: string;
  orgId: string;
  orgSlug: string;
  projectId: string;
  prefix: string;
  scopes: ReadonlySet<string>;
  /** Requests per minute for this key; null for the default policy. */
  rateLimit: number | null;
  expiresAt: number | null;
  revokedAt: number | null;
  /** End of this secret's rotation grace window; null for the current secret. */
  secretExpiresAt: number | null;
  /** null: no IP restriction. */
  ipAllowed: ((ip: string) => boolean) | null;
  /** null: no browser origin is allowed. */
  originAllowed: ((origin: string) => boolean) | null;
  storePrompts: boolean;
  storeResponses: boolean;
  /** Where the provider key comes from: the project's override, else the org's setting. */
  providerKeyMode: ProviderKeyMode;
  lastUsedAt: number | null;
}

const ms = (date: Date | null | undefined) => (date ? date.getTime() : null);

interface KeyRow {
  secret_expires_at: Date | null;
  id: string;
  org_id: string;
  org_slug: string;
  org_deleted_at: Date | null;
  project_id: string;
  prefix: string;
  scopes: string[];
  rate_limit: number | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  ip_allowlist: string[];
  allowed_origins: string[];
  org_store_prompts: boolean | null;
  org_store_responses: boolean | null;
  project_store_prompts: boolean | null;
  project_store_responses: boolean | null;
  org_provider_key_mode: ProviderKeyMode | null;
  project_provider_key_mode: ProviderKeyMode | null;
}

/** One query: the secret, its key, the org and both settings rows. */
async function loadKey(hash: string): Promise<KeyRecord | null> {
  const rows = await db.$queryRaw<KeyRow[]>`
    SELECT s.expires_at AS secret_expires_at, k.id, k.org_id, o.slug AS org_slug, o.deleted_at AS org_deleted_at, k.project_id,
           k.prefix, k.scopes, k.rate_limit, k.expires_at, k.revoked_at, k.last_used_at, k.ip_allowlist, k.allowed_origins,
           os.store_prompts AS org_store_prompts, os.store_responses AS org_store_responses,
           ps.store_prompts AS project_store_prompts, ps.store_responses AS project_store_responses,
           os.provider_key_mode::text AS org_provider_key_mode, ps.provider_key_mode::text AS project_provider_key_mode
      FROM api_key_secrets s
      JOIN api_keys k ON k.id = s.api_key_id
      JOIN orgs o ON o.id = k.org_id
      LEFT JOIN org_settings os ON os.org_id = k.org_id
      LEFT JOIN project_settings ps ON ps.project_id = k.project_id
     WHERE s.hash = ${hash}`;
  const key = rows[0];
  if (!key || key.org_deleted_at) return null;
  return {
    keyId: key.id,
    orgId: key.org_id,
    orgSlug: key.org_slug,
    projectId: key.project_id,
    prefix: key.prefix,
    scopes: new Set(key.scopes),
    rateLimit: key.rate_limit,
    expiresAt: ms(key.expires_at),
    revokedAt: ms(key.revoked_at),
    secretExpiresAt: ms(key.secret_expires_at),
    ipAllowed: key.ip_allowlist.length > 0 ? cidrMatcher(key.ip_allowlist) : null,
    originAllowed: key.allowed_origins.length > 0 ? originMatcher(key.allowed_origins) : null,
    storePrompts: key.project_store_prompts ?? key.org_store_prompts ?? false,
    storeResponses: key.project_store_responses ?? key.org_store_responses ?? false,
    providerKeyMode: key.project_provider_key_mode ?? key.org_provider_key_mode ?? "EITHER",
    lastUsedAt: ms(key.last_used_at),
  };
}

const globalForKeys = globalThis as unknown as { gatehouseKeyCache?: KeyCache<KeyRecord> };

function cache(): KeyCache<KeyRecord> {
  globalForKeys.gatehouseKeyCache ??= new KeyCache({
    load: loadKey,
    ttlMs: KEY_CACHE_TTL_MS,
    maxEntries: MAX_CACHED_KEYS,
    onHit: () => increment("apiKeyCacheHits"),
    onMiss: () => increment("apiKeyCacheMisses"),
  });
  return globalForKeys.gatehouseKeyCache;
}

/** Forget every cached secret of a key (after a change made on this instance). */
export function evictApiKey(keyId: string): void {
  cache().evict((record) => record.keyId === keyId);
}

/** Forget every cached key of an org (after its data-handling settings change on this instance). */
export function evictApiKeysOfOrg(orgId: string): void {
  cache().evict((record) => record.orgId === orgId);
}

export function clearApiKeyCache(): void {
  cache().clear();
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The key from `Authorization: Bearer …`, or null when the header is absent. */
export function bearerToken(headers: Headers): string | null {
  const header = headers.get("authorization");
  if (header === null) return null;
  const match = BEARER.exec(header);
  if (!match) throw new AppError("invalid_api_key");
  return match[1]!;
}

export interface VerifyRequest {
  token: string;
  ip: string | null;
  /** The browser's Origin header, if any. */
  origin: string | null;
  /** null: the caller checks permissions itself (management routes). */
  scope: ApiKeyScope | null;
  now?: number;
}

function check(record: KeyRecord | null, request: VerifyRequest): KeyRecord {
  if (!record) throw new AppError("invalid_api_key");
  const now = request.now ?? Date.now();
  if (record.revokedAt !== null) throw new AppError("api_key_revoked");
  if (record.expiresAt !== null && record.expiresAt <= now) throw new AppError("api_key_expired");
  if (record.secretExpiresAt !== null && record.secretExpiresAt <= now) throw new AppError("api_key_rotated");
  if (record.ipAllowed && (request.ip === null || !record.ipAllowed(request.ip))) throw new AppError("ip_not_allowed");
  if (request.origin !== null && !(record.originAllowed?.(request.origin) ?? false)) throw new AppError("origin_not_allowed");
  if (request.scope !== null && !record.scopes.has(request.scope)) throw new AppError("insufficient_scope");
  return record;
}

/**
 * Verify a presented key for one scope from one place. Synchronous work only
 * when the key is cached; a malformed key never reaches the cache or the database.
 */
export async function verifyApiKey(request: VerifyRequest): Promise<KeyRecord> {
  if (!looksLikeApiKey(request.token)) throw new AppError("invalid_api_key");
  const found = cache().get(hashApiKey(request.token));
  return check(found instanceof Promise ? await found : found, request);
}
