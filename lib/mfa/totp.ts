import { generate, generateSecret, generateURI, verify } from "otplib";

/**
 * TOTP (RFC 6238) as authenticator apps speak it: SHA-1, six digits, 30-second
 * steps, a 160-bit Base32 secret. Tolerance: a code is accepted for the
 * current step and the one before it (`epochTolerance: [30, 0]`), so a code
 * typed just as it rolls over still works, and never for a future step. Replay
 * is refused by the caller passing the last accepted step as `afterStep`
 * (otplib's `afterTimeStep`): a code at or before it does not match.
 */
export const TOTP_PERIOD = 30;
export const TOTP_DIGITS = 6;
export const TOTP_ISSUER = "Gatehouse";
const TOLERANCE: [number, number] = [TOTP_PERIOD, 0];

export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export function otpauthUri(secret: string, account: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: account, secret, period: TOTP_PERIOD, digits: TOTP_DIGITS });
}

/** The step a moment falls in. */
export function stepAt(epochSeconds: number): number {
  return Math.floor(epochSeconds / TOTP_PERIOD);
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Six digits, spaces and dashes allowed between them ("123 456"). */
export function normalizeTotp(raw: string): string | null {
  const digits = raw.replace(/[\s-]/g, "");
  return /^\d{6}$/.test(digits) ? digits : null;
}

/**
 * The step at which `code` is valid (current or previous), or null: a
 * malformed code, a wrong code, or one at or before `afterStep`.
 */
export async function matchTotp(secret: string, code: string, options: { afterStep?: number | null; now?: number } = {}): Promise<number | null> {
  const token = normalizeTotp(code);
  if (!token) return null;
  const result = await verify({
    secret,
    token,
    epoch: options.now ?? nowSeconds(),
    epochTolerance: TOLERANCE,
    ...(options.afterStep !== undefined && options.afterStep !== null ? { afterTimeStep: options.afterStep } : {}),
  });
  return result.valid && "timeStep" in result ? result.timeStep : null;
}

/** The code for a moment: for tests and the demo, never sent anywhere. */
export async function totpAt(secret: string, epochSeconds = nowSeconds()): Promise<string> {
  return generate({ secret, epoch: epochSeconds });
}
