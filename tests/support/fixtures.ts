import { randomUUID } from "node:crypto";
import { encode } from "next-auth/jwt";
import { issueSecret } from "@/lib/api-keys/format";
import { db } from "@/lib/db/client";
import type { Role } from "@/lib/security/permissions";

export interface TestUser {
  id: string;
  email: string;
}

const unique = () => randomUUID().slice(0, 8);

export async function makeUser(label = "user"): Promise<TestUser> {
  const email = `${label}-${unique()}@example.test`;
  return db.user.create({ data: { email, name: label }, select: { id: true, email: true } });
}

export async function makeOrg(name = "Org") {
  const suffix = unique();
  return db.org.create({ data: { name: `${name} ${suffix}`, slug: `${name.toLowerCase()}-${suffix}`, settings: { create: {} } } });
}

export async function addMember(orgId: string, user: TestUser, role: Role) {
  return db.membership.create({ data: { orgId, userId: user.id, role } });
}

export async function makeMember(orgId: string, role: Role, label = role.toLowerCase()) {
  const user = await makeUser(label);
  const membership = await addMember(orgId, user, role);
  return { user, membership };
}

export async function makeProject(orgId: string, name = `Project ${unique()}`) {
  return db.project.create({ data: { orgId, name, settings: { create: {} } } });
}

export async function makeInvitation(orgId: string, role: Role = "VIEWER") {
  return db.invitation.create({
    data: { orgId, email: `invitee-${unique()}@example.test`, role, tokenHash: randomUUID(), expiresAt: new Date(Date.now() + 3_600_000) },
  });
}

export interface TestApiKey {
  id: string;
  secret: string;
  prefix: string;
}

/** An API key straight in the database (no audit event): for tests of the doors, not of the service. */
export async function makeApiKey(
  orgId: string,
  projectId: string,
  options: { scopes?: string[]; ipAllowlist?: string[]; allowedOrigins?: string[]; expiresAt?: Date | null; revokedAt?: Date | null; rateLimit?: number | null } = {},
): Promise<TestApiKey> {
  const issued = issueSecret();
  const key = await db.apiKey.create({
    data: {
      orgId,
      projectId,
      name: `Key ${unique()}`,
      prefix: issued.prefix,
      last4: issued.last4,
      scopes: options.scopes ?? ["chat", "models"],
      ipAllowlist: options.ipAllowlist ?? [],
      allowedOrigins: options.allowedOrigins ?? [],
      expiresAt: options.expiresAt ?? null,
      revokedAt: options.revokedAt ?? null,
      rateLimit: options.rateLimit ?? null,
      secrets: { create: { hash: issued.hash, prefix: issued.prefix, last4: issued.last4 } },
    },
  });
  return { id: key.id, secret: issued.secret, prefix: issued.prefix };
}

/** An org with one member of every role, a project, an extra VIEWER and a pending invitation. */
export async function makeTenant(name: string) {
  const org = await makeOrg(name);
  const members = {
    OWNER: await makeMember(org.id, "OWNER"),
    ADMIN: await makeMember(org.id, "ADMIN"),
    DEVELOPER: await makeMember(org.id, "DEVELOPER"),
    VIEWER: await makeMember(org.id, "VIEWER"),
  } satisfies Record<Role, unknown>;
  const project = await makeProject(org.id);
  const extraViewer = await makeMember(org.id, "VIEWER", "extra");
  const invitation = await makeInvitation(org.id);
  const apiKey = await makeApiKey(org.id, project.id);
  return { org, members, project, extraViewer, invitation, apiKey };
}

export type Tenant = Awaited<ReturnType<typeof makeTenant>>;

/** A real next-auth session token for a user, as the browser would hold it. */
export async function sessionCookie(userId: string): Promise<string> {
  const token = await encode({ token: { sub: userId }, secret: process.env.NEXTAUTH_SECRET! });
  return `next-auth.session-token=${token}`;
}
