import "server-only";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { kekCheckValue } from "./envelope";
import { parseKeyRing, type KeyRing } from "./keyring";

/**
 * The configured key ring, checked against what the database remembers of
 * each KEK id (its check value and whether it was retired) before the vault
 * uses it: a ring that maps a known id to other bytes, or makes a retired id
 * active, is refused instead of producing keys nobody can open.
 */
let configured: KeyRing | undefined;

export function keyRing(): KeyRing {
  if (!configured) {
    const parsed = parseKeyRing(env());
    if ("problems" in parsed) throw new Error(`master key ring: ${parsed.problems.join("; ")}`);
    configured = parsed.ring;
  }
  return configured;
}

export class KeyRingMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeyRingMismatch";
  }
}

/** Record unseen ids, compare known ones. Throws KeyRingMismatch when the ring contradicts the database. */
export async function checkRing(ring: KeyRing): Promise<void> {
  for (const [id, kek] of ring.keys) {
    await db.vaultKek.upsert({ where: { id }, create: { id, checkValue: kekCheckValue(kek) }, update: {} });
  }
  const known = await db.vaultKek.findMany({ where: { id: { in: [...ring.keys.keys()] } } });
  for (const row of known) {
    if (row.checkValue !== kekCheckValue(ring.keys.get(row.id)!)) {
      throw new KeyRingMismatch(`master key "${row.id}" in the ring is not the key this vault knows by that id`);
    }
    if (row.retiredAt && row.id === ring.activeId) throw new KeyRingMismatch(`master key "${row.id}" was retired and cannot be the active key again`);
  }
}

const checked = new WeakMap<KeyRing, Promise<void>>();

/** The ring, checked once per process (a failed check is retried on the next call). */
export async function verifiedRing(ring: KeyRing = keyRing()): Promise<KeyRing> {
  let pending = checked.get(ring);
  if (!pending) {
    pending = checkRing(ring);
    checked.set(ring, pending);
    pending.catch(() => checked.delete(ring));
  }
  await pending;
  return ring;
}
