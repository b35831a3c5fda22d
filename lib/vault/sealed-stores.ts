import "server-only";
import type { Tx } from "@/lib/db/client";
import { mfaBinding } from "@/lib/mfa/service";
import { secretBinding } from "@/lib/sso/connections";
import type { Binding, Sealed } from "./envelope";

/**
 * Every table that holds secrets sealed under the master key ring: what a
 * re-wrap walks, what the status counts and what a KEK retirement checks.
 * Provider keys and SSO client secrets belong to an org; TOTP secrets to a
 * user (their re-wrap is audited on the platform chain).
 */
export interface SealedItem {
  id: string;
  /** The org whose audit chain records the re-wrap; null: the platform chain. */
  orgId: string | null;
  binding: Binding;
  sealed: Sealed;
}

/** A transaction or the client itself: what the stores run their SQL on. */
export type Sql = Pick<Tx, "$queryRaw" | "$executeRaw">;

export interface SealedStore {
  name: "provider_credentials" | "sso_connections" | "user_mfa";
  /** Whether the store has org-owned rows (an org's re-wrap covers only those). */
  perOrg: boolean;
  /** Up to `limit` rows not under `activeKekId`, locked, skipping `skip` and rows locked elsewhere. */
  lock(tx: Tx, activeKekId: string, orgId: string | null, skip: string[], limit: number): Promise<SealedItem[]>;
  /** Write the re-wrapped DEKs (same rows, new KEK). */
  update(tx: Tx, activeKekId: string, ids: string[], deks: Buffer[]): Promise<void>;
  /** Live sealed rows per KEK id. */
  countByKek(sql: Sql, orgId: string | null): Promise<{ kekId: string; count: number }[]>;
}

const buf = (value: Uint8Array) => Buffer.from(value);
const counted = (rows: { kek_id: string; n: bigint }[]) => rows.map((r) => ({ kekId: r.kek_id, count: Number(r.n) }));

interface ProviderRow {
  id: string;
  org_id: string;
  project_id: string | null;
  provider: string;
  fingerprint: string;
  last4: string;
  format_version: number;
  kek_id: string;
  wrapped_dek: Uint8Array;
  ciphertext: Uint8Array;
}

const providerCredentials: SealedStore = {
  name: "provider_credentials",
  perOrg: true,
  async lock(tx, active, orgId, skip, limit) {
    const rows = await tx.$queryRaw<ProviderRow[]>`
      SELECT id, org_id, project_id, provider, fingerprint, last4, format_version, kek_id, wrapped_dek, ciphertext
        FROM provider_credentials
       WHERE wrapped_dek IS NOT NULL AND kek_id <> ${active}
         AND (${orgId}::uuid IS NULL OR org_id = ${orgId}::uuid)
         AND NOT (id = ANY(${skip}::uuid[]))
       ORDER BY id
       LIMIT ${limit}
         FOR UPDATE SKIP LOCKED`;
    return rows.map((r) => ({
      id: r.id,
      orgId: r.org_id,
      binding: { orgId: r.org_id, credentialId: r.id, projectId: r.project_id, provider: r.provider, fingerprint: r.fingerprint, last4: r.last4 },
      sealed: { formatVersion: r.format_version, kekId: r.kek_id, wrappedDek: buf(r.wrapped_dek), ciphertext: buf(r.ciphertext) },
    }));
  },
  async update(tx, active, ids, deks) {
    await tx.$executeRaw`
      UPDATE provider_credentials AS c
         SET kek_id = ${active}, format_version = 1, wrapped_dek = v.dek, updated_at = now()
        FROM (SELECT unnest(${ids}::uuid[]) AS id, unnest(${deks}::bytea[]) AS dek) AS v
       WHERE c.id = v.id`;
  },
  async countByKek(tx, orgId) {
    return counted(await tx.$queryRaw`
      SELECT kek_id, count(*) AS n FROM provider_credentials
       WHERE wrapped_dek IS NOT NULL AND (${orgId}::uuid IS NULL OR org_id = ${orgId}::uuid)
       GROUP BY kek_id`);
  },
};

interface SsoRow {
  id: string;
  org_id: string;
  secret_last4: string | null;
  secret_format_version: number;
  secret_kek_id: string;
  secret_wrapped_dek: Uint8Array;
  secret_ciphertext: Uint8Array;
}

const ssoConnections: SealedStore = {
  name: "sso_connections",
  perOrg: true,
  async lock(tx, active, orgId, skip, limit) {
    const rows = await tx.$queryRaw<SsoRow[]>`
      SELECT id, org_id, secret_last4, secret_format_version, secret_kek_id, secret_wrapped_dek, secret_ciphertext
        FROM sso_connections
       WHERE secret_wrapped_dek IS NOT NULL AND secret_kek_id <> ${active}
         AND (${orgId}::uuid IS NULL OR org_id = ${orgId}::uuid)
         AND NOT (id = ANY(${skip}::uuid[]))
       ORDER BY id
       LIMIT ${limit}
         FOR UPDATE SKIP LOCKED`;
    return rows.map((r) => ({
      id: r.id,
      orgId: r.org_id,
      binding: secretBinding(r.org_id, r.id, r.secret_last4 ?? ""),
      sealed: { formatVersion: r.secret_format_version, kekId: r.secret_kek_id, wrappedDek: buf(r.secret_wrapped_dek), ciphertext: buf(r.secret_ciphertext) },
    }));
  },
  async update(tx, active, ids, deks) {
    await tx.$executeRaw`
      UPDATE sso_connections AS c
         SET secret_kek_id = ${active}, secret_format_version = 1, secret_wrapped_dek = v.dek, updated_at = now()
        FROM (SELECT unnest(${ids}::uuid[]) AS id, unnest(${deks}::bytea[]) AS dek) AS v
       WHERE c.id = v.id`;
  },
  async countByKek(tx, orgId) {
    return counted(await tx.$queryRaw`
      SELECT secret_kek_id AS kek_id, count(*) AS n FROM sso_connections
       WHERE secret_wrapped_dek IS NOT NULL AND (${orgId}::uuid IS NULL OR org_id = ${orgId}::uuid)
       GROUP BY secret_kek_id`);
  },
};

interface MfaRow {
  user_id: string;
  format_version: number;
  kek_id: string;
  wrapped_dek: Uint8Array;
  ciphertext: Uint8Array;
}

const userMfa: SealedStore = {
  name: "user_mfa",
  perOrg: false,
  async lock(tx, active, orgId, skip, limit) {
    if (orgId) return [];
    const rows = await tx.$queryRaw<MfaRow[]>`
      SELECT user_id, format_version, kek_id, wrapped_dek, ciphertext
        FROM user_mfa
       WHERE kek_id <> ${active} AND NOT (user_id = ANY(${skip}::uuid[]))
       ORDER BY user_id
       LIMIT ${limit}
         FOR UPDATE SKIP LOCKED`;
    return rows.map((r) => ({
      id: r.user_id,
      orgId: null,
      binding: mfaBinding(r.user_id),
      sealed: { formatVersion: r.format_version, kekId: r.kek_id, wrappedDek: buf(r.wrapped_dek), ciphertext: buf(r.ciphertext) },
    }));
  },
  async update(tx, active, ids, deks) {
    await tx.$executeRaw`
      UPDATE user_mfa AS m
         SET kek_id = ${active}, format_version = 1, wrapped_dek = v.dek, updated_at = now()
        FROM (SELECT unnest(${ids}::uuid[]) AS id, unnest(${deks}::bytea[]) AS dek) AS v
       WHERE m.user_id = v.id`;
  },
  async countByKek(tx, orgId) {
    if (orgId) return [];
    return counted(await tx.$queryRaw`SELECT kek_id, count(*) AS n FROM user_mfa GROUP BY kek_id`);
  },
};

export const SEALED_STORES: readonly SealedStore[] = [providerCredentials, ssoConnections, userMfa];
