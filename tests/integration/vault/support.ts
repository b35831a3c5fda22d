import { randomBytes } from "node:crypto";
import { db } from "@/lib/db/client";
import type { OrgContext } from "@/lib/security/context";
import { authorizeOrg } from "@/lib/security/authorize";
import { userActor } from "@/lib/security/context";
import type { Permission } from "@/lib/security/permissions";
import { newRequestId } from "@/lib/security/request-meta";
import type { Binding, Sealed } from "@/lib/vault/envelope";
import type { KeyRing } from "@/lib/vault/keyring";
import { createProviderKey } from "@/lib/vault/service";
import type { TestUser } from "../../support/fixtures";

/**
 * The context the pipeline hands the vault service: the user, authorised for
 * the org and permission by the pipeline's own authorizeOrg, in a fresh
 * password session that passed MFA.
 */
export async function orgContext(orgId: string, user: TestUser, permission: Permission = "provider_keys.manage"): Promise<OrgContext> {
  const now = Math.floor(Date.now() / 1000);
  const session = { issuedAt: now, amr: "pwd" as const, sso: null, mfaAt: now };
  const principal = { kind: "user" as const, userId: user.id, email: user.email, name: null, session };
  return authorizeOrg({ principal, actor: userActor(principal), request: { requestId: newRequestId(), ip: "203.0.113.7", userAgent: "vitest" } }, orgId, permission);
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A provider key shaped like the real ones, random each time. */
export function providerSecret(provider: "openai" | "anthropic" = "openai"): string {
  const body = Array.from(randomBytes(64), (b) => ALPHABET[b % ALPHABET.length]).join("");
  return provider === "openai" ? `sk-proj-${body}` : `sk-ant-api03-${body}AA`;
}

/** A vaulted key through the service, with its secret. */
export async function makeProviderKey(ctx: OrgContext, options: { provider?: "openai" | "anthropic"; projectId?: string | null; label?: string; secret?: string } = {}) {
  const provider = options.provider ?? "openai";
  const secret = options.secret ?? providerSecret(provider);
  const view = await createProviderKey(ctx, { provider, label: options.label ?? `${provider} key`, secret, projectId: options.projectId ?? null });
  return { view, secret };
}

export const makeRing = (activeId: string, keys: Record<string, Buffer>): KeyRing => ({ activeId, keys: new Map(Object.entries(keys)) });

export interface CredentialRow {
  id: string;
  org_id: string;
  project_id: string | null;
  provider: string;
  fingerprint: string;
  last4: string;
  format_version: number;
  kek_id: string | null;
  wrapped_dek: Buffer | null;
  ciphertext: Buffer | null;
}

/** The rows as the vault reads them (bytea columns as Buffers: raw queries return plain Uint8Arrays). */
export async function credentialRows(where: { orgId?: string; ids?: string[] }): Promise<CredentialRow[]> {
  const rows = await db.$queryRaw<CredentialRow[]>`
    SELECT id, org_id, project_id, provider, fingerprint, last4, format_version, kek_id, wrapped_dek, ciphertext
      FROM provider_credentials
     WHERE (${where.orgId ?? null}::uuid IS NULL OR org_id = ${where.orgId ?? null}::uuid)
       AND (${where.ids ?? null}::uuid[] IS NULL OR id = ANY(${where.ids ?? null}::uuid[]))
     ORDER BY id`;
  const buffer = (value: Uint8Array | null) => (value ? Buffer.from(value) : null);
  return rows.map((row) => ({ ...row, wrapped_dek: buffer(row.wrapped_dek), ciphertext: buffer(row.ciphertext) }));
}

export function bindingOf(row: CredentialRow): Binding {
  return { orgId: row.org_id, credentialId: row.id, projectId: row.project_id, provider: row.provider, fingerprint: row.fingerprint, last4: row.last4 };
}

export function sealedOf(row: CredentialRow): Sealed {
  if (!row.kek_id || !row.wrapped_dek || !row.ciphertext) throw new Error(`credential ${row.id} holds no sealed key`);
  return { formatVersion: row.format_version, kekId: row.kek_id, wrappedDek: row.wrapped_dek, ciphertext: row.ciphertext };
}

/** Every column of the org's credential and audit rows as text (bytea as hex), for scanning. */
export async function dumpOrg(orgId: string): Promise<{ credentials: string; audit: string }> {
  const credentials = await db.$queryRaw<{ row: string }[]>`SELECT to_jsonb(c)::text AS row FROM provider_credentials c WHERE org_id = ${orgId}::uuid`;
  const audit = await db.$queryRaw<{ row: string }[]>`SELECT to_jsonb(a)::text AS row FROM audit_logs a WHERE org_id = ${orgId}::uuid`;
  return { credentials: credentials.map((r) => r.row).join("\n"), audit: audit.map((r) => r.row).join("\n") };
}

/** The secret in the encodings a careless write could have used. */
export function encodingsOf(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  return [secret, bytes.toString("hex"), bytes.toString("base64"), bytes.toString("base64url"), secret.slice(0, 16), secret.slice(8, 24), secret.slice(-12)];
}
