import "server-only";
import { hash, verify } from "@node-rs/argon2";
import { z } from "zod";

/** argon2id, OWASP's minimum profile: 19 MiB, 2 passes, 1 lane. */
const OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const password = z
  .string()
  .min(12, "At least 12 characters")
  .max(200, "At most 200 characters")
  .refine((p) => new Set(p).size >= 5, "Too repetitive");

export function hashPassword(plain: string): Promise<string> {
  return hash(plain, OPTIONS);
}

// Verified against when the email is unknown, so both paths cost the same.
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(storedHash: string | null | undefined, plain: string): Promise<boolean> {
  dummyHash ??= hashPassword("gatehouse-timing-equaliser");
  const target = storedHash ?? (await dummyHash);
  try {
    const ok = await verify(target, plain);
    return ok && Boolean(storedHash);
  } catch {
    return false;
  }
}
