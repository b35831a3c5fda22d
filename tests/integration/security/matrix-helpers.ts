import { randomBytes, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { db } from "@/lib/db/client";
import { hashInvitationToken } from "@/lib/members/invitations";
import { fingerprintOf, last4Of, seal } from "@/lib/vault/envelope";
import { verifiedRing } from "@/lib/vault/ring";
import { liveScope } from "@/lib/vault/service";
import { makeOrg, type Tenant, type TestUser } from "../../support/fixtures";

/** A unique name for a resource a matrix case creates. */
export const fresh = (label: string) => `${label} ${randomUUID().slice(0, 6)}`;

const ROOT = path.resolve(import.meta.dirname, "../../..");
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "generated" || name.startsWith(".")) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

/** Every route handler in app/, as "METHOD /url/pattern" → module path. */
export async function discoverRoutes(): Promise<Map<string, { file: string; method: string }>> {
  const found = new Map<string, { file: string; method: string }>();
  for (const file of walk(path.join(ROOT, "app")).filter((f) => /\/route\.tsx?$/.test(f))) {
    const url = path
      .relative(path.join(ROOT, "app"), path.dirname(file))
      .split(path.sep)
      .filter((segment) => !/^\(.*\)$/.test(segment))
      .join("/");
    const mod = await import(/* @vite-ignore */ file);
    for (const method of METHODS) if (typeof mod[method] === "function") found.set(`${method} /${url}`, { file, method });
  }
  return found;
}

/** Every server action: exported functions of files that begin with "use server". */
export async function discoverActions(): Promise<Map<string, (prev: unknown, input: unknown) => Promise<unknown>>> {
  const found = new Map<string, (prev: unknown, input: unknown) => Promise<unknown>>();
  const files = [...walk(path.join(ROOT, "lib")), ...walk(path.join(ROOT, "app"))].filter((f) => /\.tsx?$/.test(f));
  for (const file of files) {
    const head = readFileSync(file, "utf8").replace(/^(\s|\/\/.*\n|\/\*[\s\S]*?\*\/)*/, "");
    if (!/^["']use server["']/.test(head)) continue;
    const mod = await import(/* @vite-ignore */ file);
    for (const [name, value] of Object.entries(mod)) {
      if (typeof value === "function") found.set(`${path.relative(ROOT, file)}#${name}`, value as never);
    }
  }
  return found;
}

/** A valid invitation token into a fresh org for the caller's own email (accept succeeds). */
export async function makeInvitationFor(caller: TestUser | null): Promise<string> {
  const token = `ghi_${randomBytes(32).toString("base64url")}`;
  const org = await makeOrg("Inviting");
  await db.invitation.create({
    data: { orgId: org.id, email: caller?.email ?? "nobody@example.test", role: "VIEWER", tokenHash: hashInvitationToken(token), expiresAt: new Date(Date.now() + 3_600_000) },
  });
  return token;
}

/** Every provider-key plaintext a matrix case created or sent: none may appear in any response, own tenant's or not. */
const providerPlaintexts = new Set<string>();

/** A fresh provider-key plaintext, remembered for the scan. */
export function providerSecret(): string {
  const secret = `sk-matrix-${randomBytes(18).toString("base64url")}`;
  providerPlaintexts.add(secret);
  return secret;
}

export const providerKeyPlaintexts = (): string[] => [...providerPlaintexts];

interface VaultedKey {
  id: string;
  label: string;
  fingerprint: string;
}
const vaulted = new Map<string, VaultedKey>();

/**
 * The tenant's vaulted org-wide OpenAI key, sealed as the service seals one,
 * created on first use. A route's `build` calls it, and the matrix snapshots
 * the foreign tenant after building, so a key made for a probe is part of "before".
 */
export async function providerKeyOf(tenant: Tenant): Promise<string> {
  const known = vaulted.get(tenant.org.id);
  if (known) return known.id;
  const ring = await verifiedRing();
  const id = randomUUID();
  const secret = providerSecret();
  const binding = { orgId: tenant.org.id, credentialId: id, projectId: null, provider: "openai", fingerprint: fingerprintOf(secret), last4: last4Of(secret) };
  const sealed = seal(ring, binding, secret);
  const label = fresh("Vaulted");
  await db.providerCredential.create({
    data: {
      id,
      orgId: tenant.org.id,
      provider: "openai",
      label,
      fingerprint: binding.fingerprint,
      last4: binding.last4,
      formatVersion: sealed.formatVersion,
      kekId: sealed.kekId,
      wrappedDek: new Uint8Array(sealed.wrappedDek),
      ciphertext: new Uint8Array(sealed.ciphertext),
      liveScope: liveScope(tenant.org.id, null, "openai"),
      setById: tenant.members.OWNER.user.id,
    },
  });
  vaulted.set(tenant.org.id, { id, label, fingerprint: binding.fingerprint });
  return id;
}

/** Everything a foreign caller must not change or see, to compare before and after. */
export async function snapshot(tenant: Tenant) {
  const [org, projects, members, invitations, apiKeys, secrets, settings, projectSettings, providerKeys, scimTokens, scimGroups] = await Promise.all([
    db.org.findUnique({ where: { id: tenant.org.id }, select: { name: true, deletedAt: true } }),
    db.project.findMany({ where: { orgId: tenant.org.id }, select: { id: true, name: true }, orderBy: { id: "asc" } }),
    db.membership.findMany({ where: { orgId: tenant.org.id }, select: { id: true, role: true, status: true, scimExternalId: true }, orderBy: { id: "asc" } }),
    db.invitation.findMany({ where: { orgId: tenant.org.id }, select: { id: true, revokedAt: true, acceptedAt: true }, orderBy: { id: "asc" } }),
    db.apiKey.findMany({
      where: { orgId: tenant.org.id },
      select: { id: true, name: true, prefix: true, scopes: true, ipAllowlist: true, allowedOrigins: true, revokedAt: true },
      orderBy: { id: "asc" },
    }),
    db.apiKeySecret.findMany({ where: { apiKey: { orgId: tenant.org.id } }, select: { hash: true, expiresAt: true }, orderBy: { hash: "asc" } }),
    db.orgSettings.findUnique({ where: { orgId: tenant.org.id }, omit: { updatedAt: true } }),
    db.projectSettings.findMany({ where: { project: { orgId: tenant.org.id } }, omit: { updatedAt: true }, orderBy: { projectId: "asc" } }),
    db.providerCredential.findMany({
      where: { orgId: tenant.org.id },
      select: { id: true, projectId: true, provider: true, label: true, fingerprint: true, kekId: true, wrappedDek: true, ciphertext: true, setAt: true, revokedAt: true },
      orderBy: { id: "asc" },
    }),
    db.scimToken.findMany({ where: { orgId: tenant.org.id }, select: { id: true, hash: true, revokedAt: true }, orderBy: { id: "asc" } }),
    db.scimGroup.findMany({
      where: { orgId: tenant.org.id },
      select: { id: true, displayName: true, role: true, members: { select: { membershipId: true }, orderBy: { membershipId: "asc" } } },
      orderBy: { id: "asc" },
    }),
  ]);
  const vault = providerKeys.map(({ wrappedDek, ciphertext, ...rest }) => ({ ...rest, wrappedDek: hex(wrappedDek), ciphertext: hex(ciphertext) }));
  return { org, projects, members, invitations, apiKeys, secrets, settings, projectSettings, vault, scimTokens, scimGroups };
}

const hex = (bytes: Uint8Array | null) => (bytes ? Buffer.from(bytes).toString("hex") : null);

/** Strings that identify a tenant's data; none may appear in a foreign caller's response. */
export function secretsOf(tenant: Tenant): string[] {
  const key = vaulted.get(tenant.org.id);
  return [
    tenant.org.name,
    tenant.org.slug,
    tenant.project.id,
    tenant.project.name,
    tenant.members.OWNER.user.email,
    tenant.extraViewer.user.email,
    tenant.invitation.email,
    tenant.apiKey.prefix,
    tenant.apiKey.id,
    ...(key ? [key.id, key.label, key.fingerprint] : []),
  ];
}
