import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from "node:crypto";
import type { KeyRing } from "./keyring";

/**
 * Envelope encryption of provider keys, with Node's AES-256-GCM only.
 *
 * Each secret gets its own random 256-bit data key (DEK) that encrypts that
 * secret and nothing else; the DEK is wrapped by the active key-encryption
 * key (KEK) of the master key ring. Both layers use a fresh random 96-bit
 * nonce and authenticate associated data: the secret's binds the format
 * version, org, credential, project, provider, fingerprint and last four; the
 * DEK's binds the format version, KEK id, org and credential. A byte changed
 * anywhere, a ciphertext moved to another row or a KEK id swapped fails the
 * GCM tag check. Re-wrapping replaces the wrapped DEK and leaves the secret's
 * ciphertext untouched.
 */
export const FORMAT_VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export interface Binding {
  orgId: string;
  credentialId: string;
  projectId: string | null;
  provider: string;
  fingerprint: string;
  last4: string;
}

export interface Sealed {
  formatVersion: number;
  kekId: string;
  /** nonce | ciphertext | tag of the DEK under the KEK. */
  wrappedDek: Buffer;
  /** nonce | ciphertext | tag of the secret under the DEK. */
  ciphertext: Buffer;
}

export type VaultFailure = "unsupported_format" | "unknown_kek" | "integrity";

/** Why a sealed secret could not be opened; never carries key material. */
export class VaultError extends Error {
  constructor(readonly reason: VaultFailure, message: string) {
    super(message);
    this.name = "VaultError";
  }
}

/** A short, irreversible identifier of a provider key: the first 16 hex digits of a labelled SHA-256. */
export function fingerprintOf(secret: string): string {
  return createHash("sha256").update("gatehouse.provider-key.fingerprint\0").update(secret, "utf8").digest("hex").slice(0, 16);
}

export function last4Of(secret: string): string {
  return secret.slice(-4);
}

/** Identifies a KEK without revealing it: catches a ring that maps a known id to other bytes. */
export function kekCheckValue(kek: Buffer): string {
  return createHmac("sha256", kek).update("gatehouse.kek.check-value").digest("hex").slice(0, 16);
}

const secretAad = (version: number, b: Binding) =>
  Buffer.from(JSON.stringify(["gatehouse.provider-credential", version, b.orgId, b.credentialId, b.projectId, b.provider, b.fingerprint, b.last4]));
const dekAad = (version: number, kekId: string, b: Binding) => Buffer.from(JSON.stringify(["gatehouse.dek", version, kekId, b.orgId, b.credentialId]));

function encrypt(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

function decrypt(key: Buffer, sealed: Buffer, aad: Buffer, what: string): Buffer {
  if (sealed.length < NONCE_BYTES + TAG_BYTES) throw new VaultError("integrity", `${what} is truncated`);
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, sealed.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new VaultError("integrity", `${what} failed its integrity check`);
  }
}

function kek(ring: KeyRing, kekId: string): Buffer {
  const key = ring.keys.get(kekId);
  if (!key) throw new VaultError("unknown_kek", `key-encryption key "${kekId}" is not in the key ring`);
  return key;
}

function wrap(ring: KeyRing, dek: Buffer, binding: Binding): Pick<Sealed, "kekId" | "wrappedDek"> {
  const kekId = ring.activeId;
  return { kekId, wrappedDek: encrypt(kek(ring, kekId), dek, dekAad(FORMAT_VERSION, kekId, binding)) };
}

function unwrap(ring: KeyRing, sealed: Sealed, binding: Binding): Buffer {
  if (sealed.formatVersion !== FORMAT_VERSION) throw new VaultError("unsupported_format", `format version ${sealed.formatVersion} is not supported`);
  const dek = decrypt(kek(ring, sealed.kekId), sealed.wrappedDek, dekAad(sealed.formatVersion, sealed.kekId, binding), "the wrapped data key");
  if (dek.length !== KEY_BYTES) throw new VaultError("integrity", "the data key has the wrong length");
  return dek;
}

/** Encrypt a secret under a new DEK wrapped by the ring's active KEK. */
export function seal(ring: KeyRing, binding: Binding, secret: string): Sealed {
  const dek = randomBytes(KEY_BYTES);
  try {
    const ciphertext = encrypt(dek, Buffer.from(secret, "utf8"), secretAad(FORMAT_VERSION, binding));
    return { formatVersion: FORMAT_VERSION, ...wrap(ring, dek, binding), ciphertext };
  } finally {
    dek.fill(0);
  }
}

/** The secret, or a VaultError when anything about the sealed record or its binding is off. */
export function open(ring: KeyRing, binding: Binding, sealed: Sealed): string {
  const dek = unwrap(ring, sealed, binding);
  try {
    const plaintext = decrypt(dek, sealed.ciphertext, secretAad(sealed.formatVersion, binding), "the secret");
    const secret = plaintext.toString("utf8");
    plaintext.fill(0);
    return secret;
  } finally {
    dek.fill(0);
  }
}

/** The same secret with its DEK wrapped by the active KEK (a no-op when it already is). */
export function rewrap(ring: KeyRing, binding: Binding, sealed: Sealed): Sealed {
  if (sealed.kekId === ring.activeId && sealed.formatVersion === FORMAT_VERSION) return sealed;
  const dek = unwrap(ring, sealed, binding);
  try {
    return { formatVersion: FORMAT_VERSION, ...wrap(ring, dek, binding), ciphertext: sealed.ciphertext };
  } finally {
    dek.fill(0);
  }
}
