import "server-only";
import { Prisma, type Tx } from "@/lib/db/client";
import { mfaBinding } from "@/lib/mfa/service";
import { secretBinding } from "@/lib/sso/client-secret";
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

/** A row as every store selects it: its id, its org, its sealed columns and whatever its binding needs. */
interface Row {
  id: string;
  org_id: string | null;
  format_version: number;
  kek_id: string;
  wrapped_dek: Uint8Array;
  ciphertext: Uint8Array;
  [binding: string]: unknown;
}

/**
 * Where a table keeps its sealed secret. The names are constants of this
 * module (never input), spliced into the SQL as identifiers.
 */
interface Layout {
  name: SealedStore["name"];
  table: string;
  idColumn: string;
  /** null: rows belong to no org. */
  orgColumn: string | null;
  /** Prefix of the format_version, kek_id, wrapped_dek and ciphertext columns. */
  prefix: string;
  /** Further columns the binding reads. */
  bindingColumns: string[];
  binding(row: Row): Binding;
}

function store(layout: Layout): SealedStore {
  const raw = Prisma.raw;
  const col = (name: string) => raw(`${layout.prefix}${name}`);
  const table = raw(layout.table);
  const id = raw(layout.idColumn);
  const org = layout.orgColumn ? raw(layout.orgColumn) : raw("NULL::uuid");
  const extra = raw(layout.bindingColumns.map((c) => `, ${c}`).join(""));
  const inOrg = (orgId: string | null) => (layout.orgColumn ? Prisma.sql`(${orgId}::uuid IS NULL OR ${org} = ${orgId}::uuid)` : Prisma.sql`${orgId}::uuid IS NULL`);
  return {
    name: layout.name,
    perOrg: layout.orgColumn !== null,
    async lock(tx, active, orgId, skip, limit) {
      const rows = await tx.$queryRaw<Row[]>`
        SELECT ${id} AS id, ${org} AS org_id, ${col("format_version")} AS format_version, ${col("kek_id")} AS kek_id,
               ${col("wrapped_dek")} AS wrapped_dek, ${col("ciphertext")} AS ciphertext${extra}
          FROM ${table}
         WHERE ${col("wrapped_dek")} IS NOT NULL AND ${col("kek_id")} <> ${active}
           AND ${inOrg(orgId)}
           AND NOT (${id} = ANY(${skip}::uuid[]))
         ORDER BY ${id}
         LIMIT ${limit}
           FOR UPDATE SKIP LOCKED`;
      return rows.map((r) => ({
        id: r.id,
        orgId: r.org_id,
        binding: layout.binding(r),
        sealed: { formatVersion: r.format_version, kekId: r.kek_id, wrappedDek: Buffer.from(r.wrapped_dek), ciphertext: Buffer.from(r.ciphertext) },
      }));
    },
    async update(tx, active, ids, deks) {
      await tx.$executeRaw`
        UPDATE ${table} AS t
           SET ${col("kek_id")} = ${active}, ${col("format_version")} = 1, ${col("wrapped_dek")} = v.dek, updated_at = now()
          FROM (SELECT unnest(${ids}::uuid[]) AS id, unnest(${deks}::bytea[]) AS dek) AS v
         WHERE t.${id} = v.id`;
    },
    async countByKek(sql, orgId) {
      const rows = await sql.$queryRaw<{ kek_id: string; n: bigint }[]>`
        SELECT ${col("kek_id")} AS kek_id, count(*) AS n FROM ${table}
         WHERE ${col("wrapped_dek")} IS NOT NULL AND ${inOrg(orgId)}
         GROUP BY ${col("kek_id")}`;
      return rows.map((r) => ({ kekId: r.kek_id, count: Number(r.n) }));
    },
  };
}

const text = (value: unknown) => (typeof value === "string" ? value : "");

export const SEALED_STORES: readonly SealedStore[] = [
  store({
    name: "provider_credentials",
    table: "provider_credentials",
    idColumn: "id",
    orgColumn: "org_id",
    prefix: "",
    bindingColumns: ["project_id", "provider", "fingerprint", "last4"],
    binding: (r) => ({ orgId: r.org_id!, credentialId: r.id, projectId: (r.project_id as string | null) ?? null, provider: text(r.provider), fingerprint: text(r.fingerprint), last4: text(r.last4) }),
  }),
  store({
    name: "sso_connections",
    table: "sso_connections",
    idColumn: "id",
    orgColumn: "org_id",
    prefix: "secret_",
    bindingColumns: ["secret_last4"],
    binding: (r) => secretBinding(r.org_id!, r.id, text(r.secret_last4)),
  }),
  // A user's TOTP secret belongs to no org: only the full re-wrap (no org) takes it.
  store({
    name: "user_mfa",
    table: "user_mfa",
    idColumn: "user_id",
    orgColumn: null,
    prefix: "",
    bindingColumns: [],
    binding: (r) => mfaBinding(r.id),
  }),
];
