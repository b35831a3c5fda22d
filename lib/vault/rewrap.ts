import "server-only";
import { SYSTEM_ACTOR, type Actor } from "@/lib/audit/actions";
import { recordAudit } from "@/lib/audit/record";
import { db, type Tx } from "@/lib/db/client";
import type { RequestMeta } from "@/lib/security/request-meta";
import { rewrap, VaultError, type Binding } from "./envelope";
import type { KeyRing } from "./keyring";
import { KeyRingMismatch } from "./ring";

/**
 * Master-key rotation: move every data key onto the ring's active KEK, in
 * batches. Each batch is one transaction that locks its rows (`FOR UPDATE
 * SKIP LOCKED`, so two runs share the work instead of colliding), re-wraps
 * them in memory, writes them back in one statement and records one audit
 * event per org touched. A run killed at any point leaves every row either
 * under its old KEK or under the new one, never half-written; running again
 * picks up what is left. Rows already under the active KEK are never touched,
 * so a repeated run does nothing.
 */
export const DEFAULT_REWRAP_BATCH = 500;

export interface RewrapProgress {
  batch: number;
  rewrapped: number;
  failed: number;
  /** Rows still under another KEK when the batch committed. */
  pending: number;
}

export interface RewrapOptions {
  ring: KeyRing;
  /** Only this org's keys (the console action); all orgs when omitted (the CLI). */
  orgId?: string;
  batchSize?: number;
  actor?: Actor;
  request?: RequestMeta | null;
  onProgress?: (progress: RewrapProgress) => void;
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

/** How many live keys (of one org, or all) are not under the active KEK. */
export async function pendingRewrap(activeKekId: string, orgId?: string): Promise<number> {
  const rows = orgId
    ? await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM provider_credentials WHERE wrapped_dek IS NOT NULL AND kek_id <> ${activeKekId} AND org_id = ${orgId}::uuid`
    : await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM provider_credentials WHERE wrapped_dek IS NOT NULL AND kek_id <> ${activeKekId}`;
  return Number(rows[0]?.n ?? 0);
}

export async function rewrapVault(options: RewrapOptions): Promise<{ rewrapped: number; failed: number; pending: number }> {
  const { ring, orgId } = options;
  const batchSize = options.batchSize ?? DEFAULT_REWRAP_BATCH;
  const actor = options.actor ?? SYSTEM_ACTOR("vault:rewrap");
  let rewrapped = 0;
  let failed = 0;
  // Rows that cannot be re-wrapped (their KEK is missing, or they fail the
  // integrity check) are left as they are and skipped by later batches.
  const skip: string[] = [];
  for (let batch = 1; ; batch++) {
    const done = await db.$transaction(
      async (tx) => {
        await lockActiveKek(tx, ring.activeId);
        const rows = await tx.$queryRaw<Row[]>`
          SELECT id, org_id, project_id, provider, fingerprint, last4, format_version, kek_id, wrapped_dek, ciphertext
            FROM provider_credentials
           WHERE wrapped_dek IS NOT NULL AND kek_id <> ${ring.activeId}
             AND (${orgId ?? null}::uuid IS NULL OR org_id = ${orgId ?? null}::uuid)
             AND NOT (id = ANY(${skip}::uuid[]))
           ORDER BY id
           LIMIT ${batchSize}
             FOR UPDATE SKIP LOCKED`;
        const ids: string[] = [];
        const deks: Buffer[] = [];
        const perOrg = new Map<string, { count: number; from: Set<string> }>();
        for (const row of rows) {
          const binding: Binding = { orgId: row.org_id, credentialId: row.id, projectId: row.project_id, provider: row.provider, fingerprint: row.fingerprint, last4: row.last4 };
          try {
            const next = rewrap(ring, binding, { formatVersion: row.format_version, kekId: row.kek_id, wrappedDek: row.wrapped_dek, ciphertext: row.ciphertext });
            ids.push(row.id);
            deks.push(next.wrappedDek);
            const org = perOrg.get(row.org_id) ?? { count: 0, from: new Set<string>() };
            org.count++;
            org.from.add(row.kek_id);
            perOrg.set(row.org_id, org);
          } catch (error) {
            if (!(error instanceof VaultError)) throw error;
            skip.push(row.id);
            failed++;
          }
        }
        if (ids.length > 0) {
          await tx.$executeRaw`
            UPDATE provider_credentials AS c
               SET kek_id = ${ring.activeId}, format_version = 1, wrapped_dek = v.dek, updated_at = now()
              FROM (SELECT unnest(${ids}::uuid[]) AS id, unnest(${deks}::bytea[]) AS dek) AS v
             WHERE c.id = v.id`;
          for (const [org, { count, from }] of perOrg) {
            await recordAudit(tx, {
              action: "vault.rewrapped",
              orgId: org,
              actor,
              target: { type: "vault", id: org },
              metadata: { count, fromKekIds: [...from].sort(), toKekId: ring.activeId, batch },
              request: options.request ?? null,
            });
          }
        }
        return { found: rows.length, rewrapped: ids.length };
      },
      { timeout: 60_000 },
    );
    rewrapped += done.rewrapped;
    if (done.found === 0) break;
    options.onProgress?.({ batch, rewrapped, failed, pending: await pendingRewrap(ring.activeId, orgId) });
  }
  return { rewrapped, failed, pending: await pendingRewrap(ring.activeId, orgId) };
}

export class KekInUse extends Error {
  constructor(readonly kekId: string, readonly count: number | "active") {
    super(
      count === "active"
        ? `master key "${kekId}" is the active key (MASTER_KEY_ID): make another key active and re-wrap first`
        : `master key "${kekId}" still wraps ${count} data key(s): run npm run vault:rewrap first`,
    );
    this.name = "KekInUse";
  }
}

/** Held shared by every write that seals under the active KEK, exclusively by a retirement. */
export const RETIRE_LOCK = "vault:retire";

/**
 * Inside a transaction that is about to write under the active KEK: wait out
 * any retirement in progress and refuse a KEK retired meanwhile (an instance
 * still running with an old ring).
 */
export async function lockActiveKek(tx: Tx, activeKekId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock_shared(hashtextextended(${RETIRE_LOCK}, 0))`;
  const kek = await tx.vaultKek.findUnique({ where: { id: activeKekId }, select: { retiredAt: true } });
  if (kek?.retiredAt) throw new KeyRingMismatch(`master key "${activeKekId}" was retired and cannot wrap new data keys`);
}

/**
 * Retire a KEK: refused while it is the active key or any data key still
 * uses it. Afterwards the id can never be made active again, and the key can
 * be removed from the ring.
 */
export async function retireKek(ring: KeyRing, kekId: string): Promise<{ retiredAt: Date }> {
  if (kekId === ring.activeId) throw new KekInUse(kekId, "active");
  return db.$transaction(async (tx) => {
    // Lock out a concurrent create or replace under this KEK while checking.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${RETIRE_LOCK}, 0))`;
    const inUse = await tx.providerCredential.count({ where: { kekId } });
    if (inUse > 0) throw new KekInUse(kekId, inUse);
    // Retiring twice changes nothing and records nothing.
    const known = await tx.vaultKek.findUnique({ where: { id: kekId }, select: { retiredAt: true } });
    if (known?.retiredAt) return { retiredAt: known.retiredAt };
    const row = await tx.vaultKek.upsert({
      where: { id: kekId },
      create: { id: kekId, checkValue: "unknown", retiredAt: new Date() },
      update: { retiredAt: new Date() },
    });
    await recordAudit(tx, { action: "vault.kek_retired", orgId: null, actor: SYSTEM_ACTOR("vault:retire"), target: { type: "kek", id: kekId }, metadata: { kekId } });
    return { retiredAt: row.retiredAt! };
  });
}
