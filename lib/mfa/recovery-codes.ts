import { createHash, randomInt } from "node:crypto";

/**
 * One-time recovery codes: ten per enrolment, shown once, stored as SHA-256
 * hashes (each code carries about 49 random bits, far beyond guessing within the
 * MFA rate limit, so a plain hash is enough). Written as two groups of five
 * from an alphabet without look-alikes; typed in any case, with or without
 * the dash or spaces.
 */
export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
const GROUP = 5;

export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const chars = Array.from({ length: GROUP * 2 }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
    return `${chars.slice(0, GROUP)}-${chars.slice(GROUP)}`;
  });
}

/** The canonical form of what a user typed, or null when it cannot be a recovery code. */
export function normalizeRecoveryCode(raw: string): string | null {
  const compact = raw.replace(/[\s-]/g, "").toLowerCase();
  return compact.length === GROUP * 2 && [...compact].every((c) => ALPHABET.includes(c)) ? compact : null;
}

export function hashRecoveryCode(normalized: string): string {
  return createHash("sha256").update("gatehouse.mfa-recovery\0").update(normalized).digest("hex");
}
