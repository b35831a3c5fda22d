import { createHash } from "node:crypto";
import { checksum, randomBase62 } from "@/lib/api-keys/format";

/**
 * The SCIM token format, like the API-key format (lib/api-keys/format.ts):
 *
 *     ghscim_<40 random base62 characters><6 base62 characters of CRC-32>
 *
 * A tag of its own, so a secret scanner tells a SCIM token (which provisions
 * and deprovisions members) from an API key, and the SCIM door refuses an API
 * key without a lookup. 238 bits of entropy: a plain SHA-256 is the right
 * storage hash.
 */
export const SCIM_TOKEN_TAG = "ghscim_";
const RANDOM_LENGTH = 40;
const CHECKSUM_LENGTH = 6;
export const SCIM_TOKEN_LENGTH = SCIM_TOKEN_TAG.length + RANDOM_LENGTH + CHECKSUM_LENGTH;
/** For secret scanners: matches a complete token and nothing longer. */
export const SCIM_TOKEN_PATTERN = /\bghscim_[0-9A-Za-z]{46}\b/g;
/** Characters of the random part shown in lists next to the tag. */
const VISIBLE_RANDOM = 4;
const BODY = /^[0-9A-Za-z]+$/;

export interface IssuedScimToken {
  /** The whole token: shown once, never stored. */
  secret: string;
  hash: string;
  prefix: string;
  last4: string;
}

export function hashScimToken(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** Whether the text has the shape and checksum of a SCIM token (offline; says nothing of validity). */
export function looksLikeScimToken(text: string): boolean {
  if (text.length !== SCIM_TOKEN_LENGTH || !text.startsWith(SCIM_TOKEN_TAG)) return false;
  if (!BODY.test(text.slice(SCIM_TOKEN_TAG.length))) return false;
  const head = text.slice(0, SCIM_TOKEN_LENGTH - CHECKSUM_LENGTH);
  return checksum(head) === text.slice(SCIM_TOKEN_LENGTH - CHECKSUM_LENGTH);
}

export function issueScimToken(): IssuedScimToken {
  const head = SCIM_TOKEN_TAG + randomBase62(RANDOM_LENGTH);
  const secret = head + checksum(head);
  return { secret, hash: hashScimToken(secret), prefix: secret.slice(0, SCIM_TOKEN_TAG.length + VISIBLE_RANDOM), last4: secret.slice(-4) };
}
