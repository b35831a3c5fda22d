import "server-only";
import { last4Of, open, seal, type Binding, type Sealed } from "@/lib/vault/envelope";
import { verifiedRing } from "@/lib/vault/ring";

/**
 * An OIDC connection's client secret at rest: sealed with the vault's
 * envelope encryption as provider "oidc-client-secret", the connection id as
 * credential id, so the ciphertext is bound to its row (and re-wrapped with
 * the vault's other secrets, lib/vault/sealed-stores.ts).
 */
export const OIDC_SECRET_PROVIDER = "oidc-client-secret";

export function secretBinding(orgId: string, connectionId: string, last4: string): Binding {
  return { orgId, credentialId: connectionId, projectId: null, provider: OIDC_SECRET_PROVIDER, fingerprint: "", last4 };
}

/** Prisma's Bytes fields take a Uint8Array over a plain ArrayBuffer. */
const bytes = (buffer: Buffer) => new Uint8Array(buffer);

/** The sealed columns of a connection row for this secret. */
export async function sealClientSecret(orgId: string, connectionId: string, secret: string) {
  const ring = await verifiedRing();
  const last4 = last4Of(secret);
  const sealed = seal(ring, secretBinding(orgId, connectionId, last4), secret);
  return {
    secretFormatVersion: sealed.formatVersion,
    secretKekId: sealed.kekId,
    secretWrappedDek: bytes(sealed.wrappedDek),
    secretCiphertext: bytes(sealed.ciphertext),
    secretLast4: last4,
  };
}

export interface SealedSecretColumns {
  orgId: string;
  id: string;
  secretFormatVersion: number | null;
  secretKekId: string | null;
  secretWrappedDek: Uint8Array | null;
  secretCiphertext: Uint8Array | null;
  secretLast4: string | null;
}

/** The client secret of a row, or null when it holds none; a VaultError when it cannot be opened. */
export async function openClientSecret(row: SealedSecretColumns): Promise<string | null> {
  if (!row.secretCiphertext || !row.secretWrappedDek || !row.secretKekId || row.secretFormatVersion === null) return null;
  const sealed: Sealed = {
    formatVersion: row.secretFormatVersion,
    kekId: row.secretKekId,
    wrappedDek: Buffer.from(row.secretWrappedDek),
    ciphertext: Buffer.from(row.secretCiphertext),
  };
  return open(await verifiedRing(), secretBinding(row.orgId, row.id, row.secretLast4 ?? ""), sealed);
}
