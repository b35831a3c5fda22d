import { randomBytes, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { db } from "@/lib/db/client";
import { hashInvitationToken } from "@/lib/members/invitations";
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

/** Everything a foreign caller must not change or see, to compare before and after. */
export async function snapshot(tenant: Tenant) {
  const [org, projects, members, invitations, apiKeys, secrets, settings, projectSettings] = await Promise.all([
    db.org.findUnique({ where: { id: tenant.org.id }, select: { name: true, deletedAt: true } }),
    db.project.findMany({ where: { orgId: tenant.org.id }, select: { id: true, name: true }, orderBy: { id: "asc" } }),
    db.membership.findMany({ where: { orgId: tenant.org.id }, select: { id: true, role: true }, orderBy: { id: "asc" } }),
    db.invitation.findMany({ where: { orgId: tenant.org.id }, select: { id: true, revokedAt: true, acceptedAt: true }, orderBy: { id: "asc" } }),
    db.apiKey.findMany({
      where: { orgId: tenant.org.id },
      select: { id: true, name: true, prefix: true, scopes: true, ipAllowlist: true, allowedOrigins: true, revokedAt: true },
      orderBy: { id: "asc" },
    }),
    db.apiKeySecret.findMany({ where: { apiKey: { orgId: tenant.org.id } }, select: { hash: true, expiresAt: true }, orderBy: { hash: "asc" } }),
    db.orgSettings.findUnique({ where: { orgId: tenant.org.id }, omit: { updatedAt: true } }),
    db.projectSettings.findMany({ where: { project: { orgId: tenant.org.id } }, omit: { updatedAt: true }, orderBy: { projectId: "asc" } }),
  ]);
  return { org, projects, members, invitations, apiKeys, secrets, settings, projectSettings };
}

/** Strings that identify a tenant's data; none may appear in a foreign caller's response. */
export function secretsOf(tenant: Tenant): string[] {
  return [tenant.org.name, tenant.org.slug, tenant.project.id, tenant.project.name, tenant.members.OWNER.user.email, tenant.extraViewer.user.email, tenant.invitation.email, tenant.apiKey.prefix, tenant.apiKey.id];
}
