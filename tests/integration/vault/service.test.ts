import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyAuditChain } from "@/lib/audit/verify";
import { db } from "@/lib/db/client";
import { AppError, ERROR_STATUS } from "@/lib/security/errors";
import { fingerprintOf, kekCheckValue, last4Of, open, seal } from "@/lib/vault/envelope";
import { KekInUse, lockActiveKek, retireKek, rewrapVault } from "@/lib/vault/rewrap";
import { checkRing, keyRing, KeyRingMismatch, verifiedRing } from "@/lib/vault/ring";
import { providerKeyDto, type ProviderKeyView } from "@/lib/vault/schemas";
import {
  createProviderKey,
  getProviderKey,
  listProviderKeys,
  liveScope,
  replaceProviderKey,
  revokeProviderKey,
  updateProviderKey,
  vaultStatus,
} from "@/lib/vault/service";
import { makeProject, makeTenant } from "../../support/fixtures";
import { bindingOf, credentialRows, dumpOrg, encodingsOf, makeProviderKey, makeRing, orgContext, providerSecret, sealedOf } from "./support";

/**
 * The vault service end to end on the database: what is stored, what comes
 * back out, what is audited, and the rules on scopes, revocation, tenants and
 * master-key retirement.
 */
async function tenantWithContext(name: string) {
  const tenant = await makeTenant(name);
  return { tenant, ctx: await orgContext(tenant.org.id, tenant.members.ADMIN.user) };
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/** The row, opened with the configured ring: the secret the vault holds for it. */
async function openedSecret(id: string): Promise<string> {
  const [row] = await credentialRows({ ids: [id] });
  return open(keyRing(), bindingOf(row!), sealedOf(row!));
}

function expectNoSecret(value: unknown, secrets: string[]) {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  for (const secret of secrets) for (const encoded of encodingsOf(secret)) expect(text).not.toContain(encoded);
}

async function auditEvents(orgId: string, action: string) {
  return db.auditLog.findMany({ where: { orgId, action }, orderBy: { seq: "asc" } });
}

describe("provider keys through the service", () => {
  it("creates, lists, gets, relabels, replaces and revokes a key, and never gives the secret back", async () => {
    const { tenant, ctx } = await tenantWithContext("Vault");
    const first = providerSecret("openai");
    const created = await createProviderKey(ctx, { provider: "openai", label: "Production", secret: first, projectId: null });
    expect(providerKeyDto.parse(created)).toBeTruthy();
    expect(created).toMatchObject({
      provider: "openai",
      label: "Production",
      projectId: null,
      projectName: null,
      fingerprint: fingerprintOf(first),
      last4: first.slice(-4),
      status: "live",
      setBy: tenant.members.ADMIN.user.email,
      revokedAt: null,
    });
    expect(Object.keys(created).sort()).toEqual(["createdAt", "fingerprint", "id", "label", "last4", "projectId", "projectName", "provider", "revokedAt", "setAt", "setBy", "status"]);
    expect(await openedSecret(created.id)).toBe(first);

    const [listed] = await listProviderKeys(ctx, { status: "live" });
    expect(listed).toEqual(created);
    expect(await getProviderKey(ctx, created.id)).toEqual(created);

    const relabelled = await updateProviderKey(ctx, created.id, { label: "Prod (EU)" });
    expect(relabelled).toMatchObject({ id: created.id, label: "Prod (EU)", fingerprint: created.fingerprint, setAt: created.setAt });
    expect(await openedSecret(created.id)).toBe(first);

    const [before] = await credentialRows({ ids: [created.id] });
    const second = providerSecret("openai");
    const replaced = await replaceProviderKey(ctx, created.id, { secret: second });
    expect(replaced).toMatchObject({ id: created.id, label: "Prod (EU)", fingerprint: fingerprintOf(second), last4: second.slice(-4), status: "live" });
    expect(replaced.setAt.getTime()).toBeGreaterThanOrEqual(created.setAt.getTime());
    expect(await openedSecret(created.id)).toBe(second);
    const [after] = await credentialRows({ ids: [created.id] });
    // A new data key and a new ciphertext.
    expect(after!.wrapped_dek!.equals(before!.wrapped_dek!)).toBe(false);
    expect(after!.ciphertext!.equals(before!.ciphertext!)).toBe(false);
    expect((await replaceProviderKey(ctx, created.id, { secret: first, label: "Back" })).label).toBe("Back");

    const revoked = await revokeProviderKey(ctx, created.id);
    expect(revoked).toMatchObject({ id: created.id, status: "revoked", revokedAt: expect.any(Date) });
    expect(await listProviderKeys(ctx, { status: "live" })).toEqual([]);
    expect((await listProviderKeys(ctx, { status: "revoked" })).map((k) => k.id)).toEqual([created.id]);
    expect((await listProviderKeys(ctx, { status: "all" })).map((k) => k.id)).toEqual([created.id]);

    const views: ProviderKeyView[] = [created, relabelled, replaced, revoked, ...(await listProviderKeys(ctx, { status: "all" }))];
    for (const view of views) expectNoSecret(providerKeyDto.parse(view), [first, second]);
    expect((await auditEvents(tenant.org.id, "provider_key.created")).length).toBe(1);
    expect((await auditEvents(tenant.org.id, "provider_key.updated")).length).toBe(1);
    expect((await auditEvents(tenant.org.id, "provider_key.replaced")).length).toBe(2);
    expect((await auditEvents(tenant.org.id, "provider_key.revoked")).length).toBe(1);
    expect(await verifyAuditChain(tenant.org.id)).toMatchObject({ ok: true });
  });

  it("stores the key in no column of its row, in no encoding", async () => {
    const { tenant, ctx } = await tenantWithContext("VaultRow");
    const secrets = [providerSecret("openai"), providerSecret("anthropic"), providerSecret("openai")];
    const org = await makeProviderKey(ctx, { provider: "openai", secret: secrets[0] });
    await makeProviderKey(ctx, { provider: "anthropic", secret: secrets[1], projectId: tenant.project.id });
    await replaceProviderKey(ctx, org.view.id, { secret: secrets[2]! });
    const { credentials } = await dumpOrg(tenant.org.id);
    expect(credentials.split("\n")).toHaveLength(2);
    expectNoSecret(credentials, secrets);
    for (const row of await credentialRows({ orgId: tenant.org.id })) {
      for (const secret of secrets) {
        const bytes = Buffer.from(secret);
        expect(row.ciphertext!.includes(bytes)).toBe(false);
        expect(row.wrapped_dek!.includes(bytes.subarray(0, 8))).toBe(false);
        expect(row.ciphertext!.includes(bytes.subarray(8, 16))).toBe(false);
      }
      expect(row.ciphertext!.length).toBe(12 + Buffer.byteLength(await openedSecret(row.id)) + 16);
    }
  });

  it("audits every change with the fingerprint and last four, never the key", async () => {
    const { tenant, ctx } = await tenantWithContext("VaultAudit");
    const first = providerSecret("anthropic");
    const second = providerSecret("anthropic");
    const { view } = await makeProviderKey(ctx, { provider: "anthropic", secret: first, projectId: tenant.project.id, label: "Claude" });
    await replaceProviderKey(ctx, view.id, { secret: second });
    await updateProviderKey(ctx, view.id, { label: "Claude (prod)" });
    await revokeProviderKey(ctx, view.id);

    const [created] = await auditEvents(tenant.org.id, "provider_key.created");
    expect(created).toMatchObject({ projectId: tenant.project.id, targetType: "provider_key", targetId: view.id, actorId: tenant.members.ADMIN.user.id, ip: "203.0.113.7" });
    expect(created!.metadata).toEqual({ provider: "anthropic", label: "Claude", projectId: tenant.project.id, fingerprint: fingerprintOf(first), last4: last4Of(first), kekId: keyRing().activeId });
    const [replaced] = await auditEvents(tenant.org.id, "provider_key.replaced");
    expect(replaced!.metadata).toMatchObject({
      before: { fingerprint: fingerprintOf(first), last4: last4Of(first) },
      after: { fingerprint: fingerprintOf(second), last4: last4Of(second) },
    });
    const [updated] = await auditEvents(tenant.org.id, "provider_key.updated");
    expect(updated!.metadata).toEqual({ fingerprint: fingerprintOf(second), before: { label: "Claude" }, after: { label: "Claude (prod)" } });
    const [revoked] = await auditEvents(tenant.org.id, "provider_key.revoked");
    expect(revoked!.metadata).toMatchObject({ fingerprint: fingerprintOf(second), last4: last4Of(second), provider: "anthropic" });

    const { audit } = await dumpOrg(tenant.org.id);
    expect(audit).toContain(fingerprintOf(first));
    expectNoSecret(audit, [first, second]);
    expect(await verifyAuditChain(tenant.org.id)).toMatchObject({ ok: true });
  });

  it("allows one live key per provider and scope: an org key and a project key coexist, a second one of either is refused", async () => {
    const { tenant, ctx } = await tenantWithContext("VaultScope");
    const orgKey = await makeProviderKey(ctx, { provider: "openai" });
    const projectKey = await makeProviderKey(ctx, { provider: "openai", projectId: tenant.project.id });
    await makeProviderKey(ctx, { provider: "anthropic" });
    const other = await makeProject(tenant.org.id);
    await makeProviderKey(ctx, { provider: "openai", projectId: other.id });

    for (const projectId of [null, tenant.project.id]) {
      const error = await rejection(makeProviderKey(ctx, { provider: "openai", projectId }));
      expect(error.code).toBe("provider_key_exists");
      expect(ERROR_STATUS[error.code]).toBe(409);
      expect(error.status).toBe(409);
    }
    expect((await listProviderKeys(ctx, { status: "all" })).length).toBe(4);
    expect((await listProviderKeys(ctx, { status: "live", projectId: tenant.project.id })).map((k) => k.id)).toEqual([projectKey.view.id]);
    // The refused attempts left no row and no audit event behind.
    expect((await auditEvents(tenant.org.id, "provider_key.created")).length).toBe(4);

    // After a revoke, the scope is free again.
    await revokeProviderKey(ctx, orgKey.view.id);
    const again = await makeProviderKey(ctx, { provider: "openai" });
    expect(again.view.status).toBe("live");
    const [row] = await db.providerCredential.findMany({ where: { id: again.view.id }, select: { liveScope: true } });
    expect(row!.liveScope).toBe(liveScope(tenant.org.id, null, "openai"));
  });

  it("refuses concurrent creations of the same scope but one", async () => {
    const { ctx } = await tenantWithContext("VaultRace");
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => makeProviderKey(ctx, { provider: "anthropic" })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect((r.reason as AppError).code).toBe("provider_key_exists");
  });

  it("revoking erases the ciphertext, the wrapped data key and the KEK id, and a second revoke changes nothing", async () => {
    const { tenant, ctx } = await tenantWithContext("VaultRevoke");
    const { view, secret } = await makeProviderKey(ctx, { provider: "openai", projectId: tenant.project.id });
    const first = await revokeProviderKey(ctx, view.id);
    const [row] = await credentialRows({ ids: [view.id] });
    expect(row).toMatchObject({ kek_id: null, wrapped_dek: null, ciphertext: null, fingerprint: fingerprintOf(secret) });
    const stored = await db.providerCredential.findUniqueOrThrow({ where: { id: view.id } });
    expect(stored.liveScope).toBeNull();
    expectNoSecret((await dumpOrg(tenant.org.id)).credentials, [secret]);

    const second = await revokeProviderKey(ctx, view.id);
    expect(second).toEqual(first);
    expect((await auditEvents(tenant.org.id, "provider_key.revoked")).length).toBe(1);
  });

  it("refuses to replace or relabel a revoked key", async () => {
    const { ctx } = await tenantWithContext("VaultRevoked");
    const { view } = await makeProviderKey(ctx);
    await revokeProviderKey(ctx, view.id);
    expect((await rejection(replaceProviderKey(ctx, view.id, { secret: providerSecret() }))).code).toBe("conflict");
    expect((await rejection(updateProviderKey(ctx, view.id, { label: "again" }))).code).toBe("conflict");
    const [row] = await credentialRows({ ids: [view.id] });
    expect(row).toMatchObject({ ciphertext: null, wrapped_dek: null });
  });

  it("answers not_found for another org's keys and projects, and unknown ids", async () => {
    const a = await tenantWithContext("VaultA");
    const b = await tenantWithContext("VaultB");
    const { view, secret } = await makeProviderKey(a.ctx, { projectId: a.tenant.project.id });
    for (const id of [view.id, randomUUID()]) {
      expect((await rejection(getProviderKey(b.ctx, id))).code).toBe("not_found");
      expect((await rejection(replaceProviderKey(b.ctx, id, { secret: providerSecret() }))).code).toBe("not_found");
      expect((await rejection(updateProviderKey(b.ctx, id, { label: "mine" }))).code).toBe("not_found");
      expect((await rejection(revokeProviderKey(b.ctx, id))).code).toBe("not_found");
    }
    expect((await rejection(makeProviderKey(b.ctx, { projectId: a.tenant.project.id }))).code).toBe("not_found");
    expect(await listProviderKeys(b.ctx, { status: "all" })).toEqual([]);
    expect((await rejection(listProviderKeys(b.ctx, { status: "all", projectId: a.tenant.project.id }))).code).toBe("not_found");
    // A's key is untouched.
    expect(await getProviderKey(a.ctx, view.id)).toMatchObject({ status: "live", label: view.label });
    expect(await openedSecret(view.id)).toBe(secret);
    expect(await db.auditLog.count({ where: { orgId: b.tenant.org.id, action: { startsWith: "provider_key." } } })).toBe(0);
  });

  it("counts the org's live keys by master key in its status", async () => {
    const { tenant, ctx } = await tenantWithContext("VaultStatus");
    expect(await vaultStatus(ctx)).toEqual({ activeKekId: keyRing().activeId, byKek: [], pending: 0 });
    const keys = [await makeProviderKey(ctx), await makeProviderKey(ctx, { provider: "anthropic" }), await makeProviderKey(ctx, { projectId: tenant.project.id })];
    expect(await vaultStatus(ctx)).toEqual({ activeKekId: keyRing().activeId, byKek: [{ kekId: keyRing().activeId, count: 3 }], pending: 0 });
    await revokeProviderKey(ctx, keys[2]!.view.id);
    expect(await vaultStatus(ctx)).toEqual({ activeKekId: keyRing().activeId, byKek: [{ kekId: keyRing().activeId, count: 2 }], pending: 0 });
    // A key still under an older master key (written by an earlier ring) is pending.
    const oldId = `svc-${randomUUID().slice(0, 8)}`;
    await sealUnder(makeRing(oldId, { [oldId]: randomBytes(32) }), tenant.org.id, null, "anthropic", { replaceScopeOf: keys[1]!.view.id });
    expect(await vaultStatus(ctx)).toEqual({ activeKekId: keyRing().activeId, byKek: [{ kekId: keyRing().activeId, count: 1 }, { kekId: oldId, count: 1 }], pending: 1 });
  });
});

/**
 * A credential sealed under a ring of the test's own (not the configured one),
 * written as the vault writes it: for keys left under an older master key.
 */
async function sealUnder(ring: ReturnType<typeof makeRing>, orgId: string, projectId: string | null, provider: "openai" | "anthropic", options: { replaceScopeOf?: string } = {}) {
  const secret = providerSecret(provider);
  const id = options.replaceScopeOf ?? randomUUID();
  const binding = { orgId, credentialId: id, projectId, provider, fingerprint: fingerprintOf(secret), last4: last4Of(secret) };
  const sealed = seal(ring, binding, secret);
  const data = {
    fingerprint: binding.fingerprint,
    last4: binding.last4,
    formatVersion: sealed.formatVersion,
    kekId: sealed.kekId,
    wrappedDek: new Uint8Array(sealed.wrappedDek),
    ciphertext: new Uint8Array(sealed.ciphertext),
  };
  if (options.replaceScopeOf) await db.providerCredential.update({ where: { id }, data });
  else await db.providerCredential.create({ data: { id, orgId, projectId, provider, label: "sealed elsewhere", liveScope: liveScope(orgId, projectId, provider), ...data } });
  return { id, secret };
}

describe("master key retirement", () => {
  const suffix = randomUUID().slice(0, 8);
  const OLD = randomBytes(32);
  const NEW = randomBytes(32);
  const oldId = `ret-old-${suffix}`;
  const newId = `ret-new-${suffix}`;
  const rotated = makeRing(newId, { [oldId]: OLD, [newId]: NEW });

  it("refuses while a data key uses the KEK or it is the active one, succeeds after a re-wrap, and never lets a retired id be active again", async () => {
    const { tenant } = await tenantWithContext("VaultRetire");
    const before = makeRing(oldId, { [oldId]: OLD });
    await verifiedRing(before);
    const project = await makeProject(tenant.org.id);
    const sealed = [
      await sealUnder(before, tenant.org.id, null, "openai"),
      await sealUnder(before, tenant.org.id, tenant.project.id, "openai"),
      await sealUnder(before, tenant.org.id, project.id, "anthropic"),
    ];

    await verifiedRing(rotated);
    await expect(retireKek(rotated, newId)).rejects.toThrow(KekInUse);
    const inUse = await retireKek(rotated, oldId).catch((e: unknown) => e);
    expect(inUse).toBeInstanceOf(KekInUse);
    expect(inUse).toMatchObject({ kekId: oldId, count: 3 });
    expect(await db.vaultKek.findUniqueOrThrow({ where: { id: oldId } })).toMatchObject({ retiredAt: null });

    const result = await rewrapVault({ ring: rotated, orgId: tenant.org.id });
    expect(result).toEqual({ rewrapped: 3, failed: 0, pending: 0 });
    const { retiredAt } = await retireKek(rotated, oldId);
    expect(retiredAt).toBeInstanceOf(Date);
    const event = await db.auditLog.findFirst({ where: { orgId: null, action: "vault.kek_retired", targetId: oldId } });
    expect(event?.metadata).toEqual({ kekId: oldId });

    // The old KEK can leave the ring: everything opens with the new one alone.
    const withoutOld = makeRing(newId, { [newId]: NEW });
    await verifiedRing(withoutOld);
    for (const { id, secret } of sealed) {
      const [row] = await credentialRows({ ids: [id] });
      expect(row!.kek_id).toBe(newId);
      expect(open(withoutOld, bindingOf(row!), sealedOf(row!))).toBe(secret);
    }

    // Making the retired id active again is refused, whether checked directly or on first use.
    const backToOld = makeRing(oldId, { [oldId]: OLD, [newId]: NEW });
    await expect(checkRing(backToOld)).rejects.toThrow(KeyRingMismatch);
    await expect(verifiedRing(backToOld)).rejects.toThrow(/was retired/);
    // The platform chain, where retirements are recorded, still verifies.
    expect(await verifyAuditChain(null)).toMatchObject({ ok: true });
  });

  it("refuses a ring that maps a known id to other bytes", async () => {
    const id = `known-${randomUUID().slice(0, 8)}`;
    const original = randomBytes(32);
    await verifiedRing(makeRing(id, { [id]: original }));
    expect(await db.vaultKek.findUniqueOrThrow({ where: { id } })).toMatchObject({ checkValue: kekCheckValue(original), retiredAt: null });
    const impostor = makeRing(id, { [id]: randomBytes(32) });
    await expect(checkRing(impostor)).rejects.toThrow(KeyRingMismatch);
    await expect(verifiedRing(impostor)).rejects.toThrow(/is not the key this vault knows/);
    // Also as a non-active member of the ring.
    const other = `other-${randomUUID().slice(0, 8)}`;
    await expect(verifiedRing(makeRing(other, { [other]: randomBytes(32), [id]: randomBytes(32) }))).rejects.toThrow(KeyRingMismatch);
    // The genuine key is still accepted.
    await expect(verifiedRing(makeRing(id, { [id]: Buffer.from(original) }))).resolves.toBeTruthy();
  });

  it("refuses to seal under a KEK retired while an instance still has it active", async () => {
    const { ctx } = await tenantWithContext("VaultStale");
    const id = `stale-${randomUUID().slice(0, 8)}`;
    const stale = makeRing(id, { [id]: randomBytes(32) });
    await verifiedRing(stale);
    // Retired by an operator whose ring moved on (forced in the table, as another instance would have).
    await db.vaultKek.update({ where: { id }, data: { retiredAt: new Date() } });
    await expect(db.$transaction((tx) => lockActiveKek(tx, id))).rejects.toThrow(KeyRingMismatch);
    // The configured ring is unaffected.
    await expect(makeProviderKey(ctx)).resolves.toBeTruthy();
  });
});
