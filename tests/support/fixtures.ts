import { randomUUID } from "node:crypto";
import { encode } from "next-auth/jwt";
import { issueSecret } from "@/lib/api-keys/format";
import { db } from "@/lib/db/client";
import { newTotpSecret } from "@/lib/mfa/totp";
import { userActor, type UserContext, type UserPrincipal } from "@/lib/security/context";
import type { Role } from "@/lib/security/permissions";
import { newRequestId } from "@/lib/security/request-meta";
import { open, seal } from "@/lib/vault/envelope";
import { verifiedRing } from "@/lib/vault/ring";

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

/** A member; an OWNER or ADMIN gets an enabled MFA enrolment, as orgs require of them by default. */
export async function addMember(orgId: string, user: TestUser, role: Role) {
  const membership = await db.membership.create({ data: { orgId, userId: user.id, role } });
  if (role === "OWNER" || role === "ADMIN") await enrolMfa(user.id);
  return membership;
}

const mfaBinding = (userId: string) => ({ orgId: "user", credentialId: userId, projectId: null, provider: "totp", fingerprint: "", last4: "" });

/**
 * An enabled TOTP enrolment straight in the database (no audit event), sealed
 * like the real one; returns the secret. A user already enrolled keeps theirs.
 * Compute codes with `totpAt(secret, epochSeconds)` from lib/mfa/totp.
 */
export async function enrolMfa(userId: string, options: { secret?: string; enabled?: boolean } = {}): Promise<string> {
  const existing = await db.userMfa.findUnique({ where: { userId } });
  if (existing && !options.secret) return mfaSecretOf(userId);
  const secret = options.secret ?? newTotpSecret();
  const sealed = seal(await verifiedRing(), mfaBinding(userId), secret);
  const data = {
    formatVersion: sealed.formatVersion,
    kekId: sealed.kekId,
    wrappedDek: new Uint8Array(sealed.wrappedDek),
    ciphertext: new Uint8Array(sealed.ciphertext),
    enabledAt: options.enabled === false ? null : new Date(),
    lastStep: null,
  };
  await db.userMfa.upsert({ where: { userId }, create: { userId, ...data }, update: data });
  return secret;
}

/** The TOTP secret of an enrolled (or pending) user, opened from its row. */
export async function mfaSecretOf(userId: string): Promise<string> {
  const row = await db.userMfa.findUniqueOrThrow({ where: { userId } });
  const sealed = { formatVersion: row.formatVersion, kekId: row.kekId, wrappedDek: Buffer.from(row.wrappedDek), ciphertext: Buffer.from(row.ciphertext) };
  return open(await verifiedRing(), mfaBinding(userId), sealed);
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

export interface SessionOptions {
  /** How the session began (default "pwd"). */
  amr?: "pwd" | "sso";
  /** The org and connection of an SSO session. */
  sso?: { orgId: string; connectionId: string };
  /**
   * Epoch seconds of the session's MFA check; null for none. Default: now, so
   * an OWNER or ADMIN with MFA enrolled (makeTenant's are) acts as a verified
   * admin, and step-up passes. It counts only for users with MFA enabled.
   */
  mfaAt?: number | null;
  /** Epoch seconds the session began (default now). */
  authAt?: number;
}

/**
 * The claims of a real next-auth session token, as lib/auth/session-cookie.ts
 * mints them. By default an MFA-verified password session begun now.
 */
export function sessionClaims(userId: string, options: SessionOptions = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const mfaAt = options.mfaAt === undefined ? now : options.mfaAt;
  return {
    sub: userId,
    amr: options.amr ?? "pwd",
    authAt: options.authAt ?? now,
    ...(options.sso ? { sso: options.sso } : {}),
    ...(mfaAt === null ? {} : { mfaAt }),
  };
}

/** A real next-auth session token for a user, as the browser would hold it (see SessionOptions for the defaults). */
export async function sessionCookie(userId: string, options: SessionOptions = {}): Promise<string> {
  const token = await encode({ token: sessionClaims(userId, options), secret: process.env.NEXTAUTH_SECRET! });
  return `next-auth.session-token=${token}`;
}

/**
 * What the pipeline hands a service for this user and session, before the org
 * is authorised (pass it to authorizeOrg). Same defaults as sessionCookie.
 */
export function userContext(user: TestUser, options: SessionOptions = {}): UserContext {
  const claims = sessionClaims(user.id, options);
  const principal: UserPrincipal = {
    kind: "user",
    userId: user.id,
    email: user.email,
    name: null,
    session: {
      issuedAt: claims.authAt as number,
      amr: (claims.amr as "pwd" | "sso") ?? "pwd",
      sso: options.sso ?? null,
      mfaAt: (claims.mfaAt as number | undefined) ?? null,
    },
  };
  return { principal, actor: userActor(principal), request: { requestId: newRequestId(), ip: "203.0.113.7", userAgent: "vitest" } };
}
