import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { mfaBinding } from "@/lib/mfa/service";
import { secretBinding } from "@/lib/sso/client-secret";
import { last4Of, open, seal } from "@/lib/vault/envelope";
import { KekInUse, pendingRewrap, retireKek, rewrapVault, sealedByKek } from "@/lib/vault/rewrap";
import { verifiedRing } from "@/lib/vault/ring";
import { makeTenant, makeUser } from "../../support/fixtures";
import { makeRing } from "./support";

/**
 * A master-key rotation covers every secret sealed under the ring, not only
 * provider keys: SSO client secrets (per org) and TOTP secrets (per user).
 * A KEK still wrapping any of them cannot be retired.
 */
const bytes = (buffer: Buffer) => new Uint8Array(buffer);

describe("sealed stores beyond provider keys", () => {
  const suffix = randomUUID().slice(0, 8);
  const OLD = randomBytes(32);
  const NEW = randomBytes(32);
  const oldId = `st-old-${suffix}`;
  const newId = `st-new-${suffix}`;
  const before = makeRing(oldId, { [oldId]: OLD });
  const rotated = makeRing(newId, { [oldId]: OLD, [newId]: NEW });

  async function ssoSecretUnderOld(orgId: string) {
    const id = randomUUID();
    const secret = `oidc-secret-${randomUUID()}`;
    const last4 = last4Of(secret);
    const sealed = seal(before, secretBinding(orgId, id, last4), secret);
    await db.ssoConnection.create({
      data: {
        id,
        orgId,
        protocol: "OIDC",
        name: "IdP",
        oidcIssuer: "https://idp.example.test",
        oidcClientId: "client",
        secretFormatVersion: sealed.formatVersion,
        secretKekId: sealed.kekId,
        secretWrappedDek: bytes(sealed.wrappedDek),
        secretCiphertext: bytes(sealed.ciphertext),
        secretLast4: last4,
      },
    });
    return { id, secret, last4 };
  }

  async function totpSecretUnderOld(userId: string) {
    const secret = "JBSWY3DPEHPK3PXP".repeat(2);
    const sealed = seal(before, mfaBinding(userId), secret);
    await db.userMfa.create({
      data: { userId, formatVersion: sealed.formatVersion, kekId: sealed.kekId, wrappedDek: bytes(sealed.wrappedDek), ciphertext: bytes(sealed.ciphertext), enabledAt: new Date() },
    });
    return secret;
  }

  it("re-wraps SSO client secrets with the org and TOTP secrets with everything, and retirement waits for both", async () => {
    await verifiedRing(before);
    const tenant = await makeTenant("SealedStores");
    const user = await makeUser("totp");
    const sso = await ssoSecretUnderOld(tenant.org.id);
    const totp = await totpSecretUnderOld(user.id);
    await verifiedRing(rotated);

    expect((await sealedByKek(tenant.org.id)).get(oldId)).toBe(1);
    expect(await pendingRewrap(newId, tenant.org.id)).toBe(1);
    await expect(retireKek(rotated, oldId)).rejects.toThrow(KekInUse);

    // The org's re-wrap (the console's) moves its SSO secret and leaves users' secrets alone.
    const orgRun = await rewrapVault({ ring: rotated, orgId: tenant.org.id });
    expect(orgRun).toMatchObject({ failed: 0, pending: 0 });
    expect(orgRun.rewrapped).toBeGreaterThanOrEqual(1);
    const connection = await db.ssoConnection.findUniqueOrThrow({ where: { id: sso.id } });
    expect(connection.secretKekId).toBe(newId);
    const ssoSealed = {
      formatVersion: connection.secretFormatVersion!,
      kekId: connection.secretKekId!,
      wrappedDek: Buffer.from(connection.secretWrappedDek!),
      ciphertext: Buffer.from(connection.secretCiphertext!),
    };
    expect(open(makeRing(newId, { [newId]: NEW }), secretBinding(tenant.org.id, sso.id, sso.last4), ssoSealed)).toBe(sso.secret);
    expect((await db.userMfa.findUniqueOrThrow({ where: { userId: user.id } })).kekId).toBe(oldId);
    const event = await db.auditLog.findFirst({ where: { orgId: tenant.org.id, action: "vault.rewrapped" }, orderBy: { seq: "desc" } });
    expect(event?.metadata).toMatchObject({ store: "sso_connections", count: 1, toKekId: newId });

    // Still in use by the TOTP secret: retirement refused.
    await expect(retireKek(rotated, oldId)).rejects.toThrow(KekInUse);

    // The full re-wrap (the CLI's) moves the TOTP secret, audited on the platform chain.
    await rewrapVault({ ring: rotated });
    const mfa = await db.userMfa.findUniqueOrThrow({ where: { userId: user.id } });
    expect(mfa.kekId).toBe(newId);
    const mfaSealed = { formatVersion: mfa.formatVersion, kekId: mfa.kekId, wrappedDek: Buffer.from(mfa.wrappedDek), ciphertext: Buffer.from(mfa.ciphertext) };
    expect(open(makeRing(newId, { [newId]: NEW }), mfaBinding(user.id), mfaSealed)).toBe(totp);
    const platform = await db.auditLog.findFirst({ where: { orgId: null, action: "vault.rewrapped" }, orderBy: { seq: "desc" } });
    expect(platform?.metadata).toMatchObject({ store: "user_mfa", toKekId: newId });
  });
});
