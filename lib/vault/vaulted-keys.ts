import "server-only";
import { KeyCache } from "@/lib/api-keys/cache";
import { db } from "@/lib/db/client";
import { log } from "@/lib/log";
import { increment } from "@/lib/metrics";
import { AppError } from "@/lib/security/errors";
import { open, VaultError, type Binding } from "./envelope";
import { verifiedRing } from "./ring";

/**
 * The gateway's side of the vault: the live key for (org, project, provider),
 * the project's own key before the org's. Opened keys are kept in memory for
 * at most `VAULT_CACHE_TTL_MS` (and at most `MAX_CACHED` of them): that is the
 * bound on how long a key replaced or revoked on another instance can still
 * be used here. A change on this instance clears the org's entries at once.
 * A plaintext key lives only in this cache and in the upstream request.
 */
export const VAULT_CACHE_TTL_MS = 5_000;
const MAX_CACHED = 10_000;

type Opened = { secret: string; credentialId: string } | { failure: string; credentialId: string };

/** What a load found (null: no key), and the generation of its org when the load began. */
interface Loaded {
  generation: string;
  opened: Opened | null;
}

interface Row {
  id: string;
  org_id: string;
  project_id: string | null;
  provider: string;
  fingerprint: string;
  last4: string;
  format_version: number;
  kek_id: string;
  wrapped_dek: Buffer;
  ciphertext: Buffer;
}

const cacheKey = (orgId: string, projectId: string, provider: string) => `${orgId}:${projectId}:${provider}`;

async function load(key: string): Promise<Loaded> {
  const [orgId, projectId, provider] = key.split(":") as [string, string, string];
  const generation = generationOf(orgId);
  return { generation, opened: await read(orgId, projectId, provider) };
}

async function read(orgId: string, projectId: string, provider: string): Promise<Opened | null> {
  // Both candidates by their unique live scope: the project's own key, then the org's.
  const rows = await db.$queryRaw<Row[]>`
    SELECT id, org_id, project_id, provider, fingerprint, last4, format_version, kek_id, wrapped_dek, ciphertext
      FROM provider_credentials
     WHERE live_scope IN (${`${orgId}:${projectId}:${provider}`}, ${`${orgId}:org:${provider}`})`;
  const row = rows.find((r) => r.project_id === projectId) ?? rows[0];
  if (!row) return null;
  const binding: Binding = { orgId: row.org_id, credentialId: row.id, projectId: row.project_id, provider: row.provider, fingerprint: row.fingerprint, last4: row.last4 };
  try {
    const ring = await verifiedRing();
    return { secret: open(ring, binding, { formatVersion: row.format_version, kekId: row.kek_id, wrappedDek: row.wrapped_dek, ciphertext: row.ciphertext }), credentialId: row.id };
  } catch (error) {
    const reason = error instanceof VaultError ? error.reason : "key_ring";
    // The credential id and the reason only: never key material.
    // (Not `message`: that would replace the log line's own message.)
    log.error("vault.open_failed", { providerKeyId: row.id, orgId: row.org_id, reason, detail: error instanceof Error ? error.message : String(error) });
    return { failure: reason, credentialId: row.id };
  }
}

/**
 * Changes made on this instance: a generation per org, bumped by every
 * eviction. A load that began before the latest change of its org may have
 * read the old row and could otherwise put the old key back in the cache
 * after the eviction (and hand it to the requests that joined it): such a
 * result is read again. Kept beside the cache, on globalThis, so that every
 * copy of this module in the process shares them.
 */
interface Changes {
  epoch: number;
  orgs: Map<string, number>;
}

const globalForVault = globalThis as unknown as { gatehouseVaultCache?: KeyCache<Loaded>; gatehouseVaultChanges?: Changes };

function changes(): Changes {
  globalForVault.gatehouseVaultChanges ??= { epoch: 0, orgs: new Map() };
  return globalForVault.gatehouseVaultChanges;
}

function generationOf(orgId: string): string {
  const { epoch, orgs } = changes();
  return `${epoch}:${orgs.get(orgId) ?? 0}`;
}

function cache(): KeyCache<Loaded> {
  globalForVault.gatehouseVaultCache ??= new KeyCache({
    load,
    ttlMs: VAULT_CACHE_TTL_MS,
    maxEntries: MAX_CACHED,
    onHit: () => increment("vaultCacheHits"),
    onMiss: () => increment("vaultCacheMisses"),
  });
  return globalForVault.gatehouseVaultCache;
}

/** Reads of one request that may be repeated because changes kept landing during them. */
const MAX_REREADS = 3;

/** The live vaulted key for a project's calls to a provider, or null when none is stored. */
export async function vaultedKey(orgId: string, projectId: string, provider: string): Promise<string | null> {
  const key = cacheKey(orgId, projectId, provider);
  let loaded = await cache().get(key);
  for (let reread = 0; loaded && loaded.generation !== generationOf(orgId) && reread < MAX_REREADS; reread++) {
    cache().evictKeys((k) => k === key);
    loaded = await cache().get(key);
  }
  const opened = loaded?.opened;
  if (!opened) return null;
  if ("failure" in opened) throw new AppError("vault_unavailable");
  return opened.secret;
}

/** Forget every opened key of an org (after an add, replace or revoke on this instance). */
export function evictVaultedKeys(orgId: string): void {
  const { orgs } = changes();
  // Bounded: past MAX_CACHED orgs, start a new epoch (every cached key is read again once).
  if (orgs.size >= MAX_CACHED && !orgs.has(orgId)) clearVaultCache();
  else orgs.set(orgId, (orgs.get(orgId) ?? 0) + 1);
  cache().evictKeys((key) => key.startsWith(`${orgId}:`));
}

export function clearVaultCache(): void {
  const state = changes();
  state.epoch++;
  state.orgs.clear();
  cache().clear();
}
