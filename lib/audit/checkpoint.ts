import "server-only";
import { createHash, createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { env } from "@/lib/env";
import { canonicalJson } from "./chain";

/**
 * Audit checkpoints: what retention cut from the head of a chain. The chain
 * that remains starts at `throughSeq + 1`, and that event's `prev_hash` must be
 * `lastHash`. The signature is an HMAC-SHA256 over the canonical JSON of the
 * fields below, so a row forged or altered by someone without the key fails
 * verification.
 *
 * The key is derived (HKDF-SHA256) from `AUDIT_CHECKPOINT_KEY` when it is set,
 * otherwise from `NEXTAUTH_SECRET`. A signature reads `v1:<key id>:<hex>`,
 * where the key id is a short fingerprint of the derived key: after a key
 * change, older checkpoints no longer verify, and the id says why.
 */
export interface CheckpointFields {
  chain: string;
  throughSeq: bigint;
  lastHash: string;
  deletedCount: bigint;
  cutoff: Date;
}

const VERSION = "v1";
const INFO = "gatehouse:audit-checkpoint:v1";

function signingKey(): { id: string; key: Buffer } {
  const config = env();
  const secret = config.AUDIT_CHECKPOINT_KEY ?? config.NEXTAUTH_SECRET;
  const key = Buffer.from(hkdfSync("sha256", secret, "", INFO, 32));
  const id = createHash("sha256").update(key).digest("hex").slice(0, 8);
  return { id, key };
}

function mac(key: Buffer, fields: CheckpointFields): string {
  const canonical = canonicalJson({
    chain: fields.chain,
    throughSeq: fields.throughSeq.toString(),
    lastHash: fields.lastHash,
    deletedCount: fields.deletedCount.toString(),
    cutoff: fields.cutoff.toISOString(),
  });
  return createHmac("sha256", key).update(canonical).digest("hex");
}

export function signCheckpoint(fields: CheckpointFields): string {
  const { id, key } = signingKey();
  return `${VERSION}:${id}:${mac(key, fields)}`;
}

/** True when `signature` is this deployment's signature of `fields` (constant-time comparison). */
export function checkpointSignatureValid(fields: CheckpointFields & { signature: string }): boolean {
  const { id, key } = signingKey();
  const [version, keyId, given] = fields.signature.split(":");
  if (version !== VERSION || keyId !== id || !given || !/^[0-9a-f]{64}$/.test(given)) return false;
  return timingSafeEqual(Buffer.from(given, "hex"), Buffer.from(mac(key, fields), "hex"));
}
