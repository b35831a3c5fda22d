import "server-only";
import { SYSTEM_ACTOR, type Actor } from "@/lib/audit/actions";
import { recordAudit } from "@/lib/audit/record";
import { db, type Tx } from "@/lib/db/client";
import type { RequestMeta } from "@/lib/security/request-meta";
import { rewrap, VaultError } from "./envelope";
import type { KeyRing } from "./keyring";
import { KeyRingMismatch } from "./ring";
import { SEALED_STORES } from "./sealed-stores";

/**
 * Master-key rotation: move every data key onto the ring's active KEK, in
 * batches, store by store (lib/vault/sealed-stores.ts: provider keys, SSO
 * client secrets, TOTP secrets). Each batch is one transaction that locks its rows (`FOR UPDATE
 * SKIP LOCKED`, so two runs share the work instead of colliding), re-wraps
 * them in memory, writes them back in one statement and records one audit
 * event per org touched (the platform chain for users' TOTP secrets). A run killed at any point leaves every row either
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
  /** Only this org's secrets (the console action); everything when omitted (the CLI). */
  orgId?: string;
  batchSize?: number;
  actor?: Actor;
  request?: RequestMeta | null;
  onProgress?: (progress: RewrapProgress) => void;
}

/** How many sealed secrets (of one org, or all) are not under the active KEK. */
export async function pendingRewrap(activeKekId: string, orgId?: string): Promise<number> {
  let pending = 0;
  for (const [kekId, count] of await sealedByKek(orgId)) if (kekId !== activeKekId) pending += count;
  return pending;
}

/** Live sealed secrets per KEK id, over every store (of one org, or all). */
export async function sealedByKek(orgId?: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const store of SEALED_STORES) {
    if (orgId && !store.perOrg) continue;
    for (const { kekId, count } of await store.countByKek(db, orgId ?? null)) out.set(kekId, (out.get(kekId) ?? 0) + count);
  }
  return out;
}

export async function rewrapVault(options: RewrapOptions): Promise<{ rewrapped: number; failed: number; pending: number }> {
  const { ring, orgId } = options;
  const batchSize = options.batchSize ?? DEFAULT_REWRAP_BATCH;
  const actor = options.actor ?? SYSTEM_ACTOR("vault:rewrap");
  let rewrapped = 0;
  let failed = 0;
  let batch = 0;
  for (const store of SEALED_STORES) {
    if (orgId && !store.perOrg) continue;
    // Rows that cannot be re-wrapped (their KEK is missing, or they fail the
    // integrity check) are left as they are and skipped by later batches.
    const skip: string[] = [];
    for (;;) {
      const done = await db.$transaction(
        async (tx) => {
          await lockActiveKek(tx, ring.activeId);
          const items = await store.lock(tx, ring.activeId, orgId ?? null, skip, batchSize);
          const ids: string[] = [];
          const deks: Buffer[] = [];
          const perChain = new Map<string | null, { count: number; from: Set<string> }>();
          for (const item of items) {
            try {
              const next = rewrap(ring, item.binding, item.sealed);
              ids.push(item.id);
              deks.push(next.wrappedDek);
              const chain = perChain.get(item.orgId) ?? { count: 0, from: new Set<string>() };
              chain.count++;
              chain.from.add(item.sealed.kekId);
              perChain.set(item.orgId, chain);
            } catch (error) {
              if (!(error instanceof VaultError)) throw error;
              skip.push(item.id);
              failed++;
            }
          }
          if (ids.length > 0) {
            await store.update(tx, ring.activeId, ids, deks);
            for (const [chainOrg, { count, from }] of perChain) {
              await recordAudit(tx, {
                action: "vault.rewrapped",
                orgId: chainOrg,
                actor,
                target: { type: "vault", id: chainOrg ?? "platform" },
                metadata: { store: store.name, count, fromKekIds: [...from].sort(), toKekId: ring.activeId, batch: batch + 1 },
                request: options.request ?? null,
              });
            }
          }
          return { found: items.length, rewrapped: ids.length };
        },
        { timeout: 60_000 },
      );
      if (done.found === 0) break;
      batch++;
      rewrapped += done.rewrapped;
      options.onProgress?.({ batch, rewrapped, failed, pending: await pendingRewrap(ring.activeId, orgId) });
    }
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
    // Every sealed store alike: provider keys, SSO client secrets, users' TOTP secrets.
    let inUse = 0;
    for (const store of SEALED_STORES) inUse += (await store.countByKek(tx, null)).find((g) => g.kekId === kekId)?.count ?? 0;
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
