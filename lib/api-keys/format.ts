import { createHash, randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";

/**
 * The API key format, version 1:
 *
 *     ghk1_<40 random base62 characters><6 base62 characters of CRC-32>
 *
 * The fixed tag lets secret scanners find keys (regex below); the checksum
 * over tag + random part lets them, and us, tell a real key from a random
 * look-alike offline, and lets the gateway refuse a mistyped key without a
 * database lookup. 40 base62 characters carry 238 bits of entropy, so a
 * plain SHA-256 is the right storage hash (no salt or stretching needed).
 */
export const API_KEY_TAG = "ghk1_";
const RANDOM_LENGTH = 40;
const CHECKSUM_LENGTH = 6;
export const API_KEY_LENGTH = API_KEY_TAG.length + RANDOM_LENGTH + CHECKSUM_LENGTH;
/** For secret scanners: matches a complete key and nothing longer. */
export const API_KEY_PATTERN = /\bghk1_[0-9A-Za-z]{46}\b/g;
/** Characters of the random part shown in lists next to the tag. */
const VISIBLE_RANDOM = 6;

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BODY = /^[0-9A-Za-z]+$/;

/** `length` characters of base62, each equally likely. */
export function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 × 62: rejecting larger bytes keeps every character equally likely.
      if (byte < 248) out += ALPHABET[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

function base62Fixed(value: number, length: number): string {
  let out = "";
  let rest = value;
  for (let i = 0; i < length; i += 1) {
    out = ALPHABET[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

/** Six base62 characters of the CRC-32 of `head`: lets a scanner or a door tell a real token from a look-alike offline. */
export function checksum(head: string): string {
  return base62Fixed(crc32(head) >>> 0, CHECKSUM_LENGTH);
}

export interface IssuedSecret {
  /** The whole key: shown once, never stored. */
  secret: string;
  hash: string;
  prefix: string;
  last4: string;
}

export function hashApiKey(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** Whether the text has the shape and checksum of a key (offline; says nothing of validity). */
export function looksLikeApiKey(text: string): boolean {
  if (text.length !== API_KEY_LENGTH || !text.startsWith(API_KEY_TAG)) return false;
  const body = text.slice(API_KEY_TAG.length);
  if (!BODY.test(body)) return false;
  const head = text.slice(0, API_KEY_LENGTH - CHECKSUM_LENGTH);
  return checksum(head) === text.slice(API_KEY_LENGTH - CHECKSUM_LENGTH);
}

export function displayParts(secret: string): { prefix: string; last4: string } {
  return { prefix: secret.slice(0, API_KEY_TAG.length + VISIBLE_RANDOM), last4: secret.slice(-4) };
}

export function issueSecret(): IssuedSecret {
  const head = API_KEY_TAG + randomBase62(RANDOM_LENGTH);
  const secret = head + checksum(head);
  return { secret, hash: hashApiKey(secret), ...displayParts(secret) };
}
