import "server-only";
import { z } from "zod";
import type { Actor } from "@/lib/audit/actions";
import { recordAudit } from "@/lib/audit/record";
import { db, type Tx } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { canonicalDomain, emailAddress, emailDomain } from "@/lib/orgs/email-domains";
import type { RequestMeta } from "@/lib/security/request-meta";

/**
 * The one place an SSO sign-in (OIDC through next-auth, SAML through its own
 * route handlers) becomes a Gatehouse user of an org.
 *
 * - The identity is found by (org, issuer, subject), never by email alone.
 * - The email must be in one of the org's VERIFIED domains, on every sign-in.
 * - The first sign-in of an identity links it to the Gatehouse user with that
 *   email (the org proved it controls the domain), or creates that user with
 *   no password; later sign-ins follow the link whatever the email says.
 * - Just-in-time provisioning: a user with no membership becomes a member
 *   with the org's default role (`OrgSettings.scimDefaultRole`, VIEWER unless
 *   changed). A SUSPENDED membership (SCIM deprovisioning) is refused, and so
 *   is a disabled account.
 * - Every outcome is audited on the org's chain: `auth.sso.succeeded`, or
 *   `auth.sso.failed` with the reason.
 */
export const SSO_REFUSALS = [
  "connection_unavailable",
  "issuer_mismatch",
  "subject_missing",
  "email_missing",
  "email_not_verified",
  "email_domain_not_verified",
  "account_disabled",
  "membership_suspended",
] as const;
export type SsoRefusal = (typeof SSO_REFUSALS)[number];

/** A refused SSO sign-in; `reason` is safe to show and is what the audit event records. */
export class SsoSignInError extends Error {
  constructor(readonly reason: SsoRefusal) {
    super(`SSO sign-in refused: ${reason}`);
    this.name = "SsoSignInError";
  }
}

export interface SsoSignIn {
  orgId: string;
  connectionId: string;
  /** The OIDC issuer, or the SAML IdP entity id, the response came from (checked against the connection). */
  issuer: string;
  /** The IdP's stable id for the user: OIDC `sub`, SAML NameID (or the attribute the connection uses). */
  subject: string;
  email: string | null | undefined;
  /** OIDC `email_verified` where the IdP sends it: an explicit false is refused. */
  emailVerified?: boolean | null;
  name?: string | null;
  request: RequestMeta;
}

export interface LinkedUser {
  userId: string;
  email: string;
  name: string | null;
}

interface Connection {
  id: string;
  orgId: string;
  protocol: "OIDC" | "SAML";
  issuer: string | null;
}

const uuid = z.uuid();

async function loadConnection(orgId: string, connectionId: string): Promise<Connection | null> {
  if (!uuid.safeParse(orgId).success || !uuid.safeParse(connectionId).success) return null;
  const row = await db.ssoConnection.findFirst({
    where: { id: connectionId, orgId, enabled: true, org: { deletedAt: null } },
    select: { id: true, orgId: true, protocol: true, oidcIssuer: true, samlEntityId: true },
  });
  if (!row) return null;
  return { id: row.id, orgId: row.orgId, protocol: row.protocol, issuer: row.protocol === "OIDC" ? row.oidcIssuer : row.samlEntityId };
}

/** The email as stored and compared (trimmed, lower case), or null when it is not an email. */
function normaliseEmail(raw: string | null | undefined): string | null {
  const parsed = emailAddress.safeParse(raw ?? "");
  return parsed.success ? parsed.data : null;
}

/** Whether the email's domain is one the org has verified. */
export async function inVerifiedDomain(client: Tx | typeof db, orgId: string, email: string): Promise<boolean> {
  const domain = canonicalDomain(emailDomain(email));
  if (!domain) return false;
  const found = await client.orgDomain.findFirst({ where: { orgId, verifiedDomain: domain, verifiedAt: { not: null } }, select: { id: true } });
  return found !== null;
}

async function auditFailure(input: SsoSignIn, reason: SsoRefusal, email: string | null, protocol: string | null, user: { id: string; email: string } | null) {
  const actor: Actor = user ? { type: "USER", id: user.id, label: user.email } : { type: "ANONYMOUS", id: null, label: (email ?? input.subject).slice(0, 254) };
  await db.$transaction((tx) =>
    recordAudit(tx, {
      action: "auth.sso.failed",
      orgId: input.orgId,
      actor,
      target: { type: "sso_connection", id: input.connectionId },
      metadata: { reason, protocol, connectionId: input.connectionId, issuer: input.issuer.slice(0, 500), subject: input.subject.slice(0, 255), email },
      request: input.request,
    }),
  );
}

/**
 * Record an SSO sign-in that failed before an identity could be checked (a
 * protocol error at the callback: state, code, signature…), with its reason.
 * The org must exist; the connection id is recorded as given.
 */
export async function recordSsoFailure(input: { orgId: string; connectionId: string; reason: string; protocol: "OIDC" | "SAML"; request: RequestMeta; detail?: string }) {
  await db.$transaction((tx) =>
    recordAudit(tx, {
      action: "auth.sso.failed",
      orgId: input.orgId,
      actor: { type: "ANONYMOUS", id: null, label: null },
      target: { type: "sso_connection", id: input.connectionId },
      metadata: { reason: input.reason, protocol: input.protocol, connectionId: input.connectionId, ...(input.detail ? { detail: input.detail.slice(0, 300) } : {}) },
      request: input.request,
    }),
  );
}

class Refused extends Error {
  constructor(
    readonly reason: SsoRefusal,
    readonly user: { id: string; email: string } | null,
  ) {
    super(reason);
  }
}

async function findOrCreateUser(tx: Tx, email: string, name: string | null) {
  const existing = await tx.user.findUnique({ where: { email }, select: { id: true, email: true, name: true, disabledAt: true } });
  if (existing) return { user: existing, created: false };
  const user = await tx.user.create({ data: { email, name }, select: { id: true, email: true, name: true, disabledAt: true } });
  return { user, created: true };
}

async function link(input: SsoSignIn, connection: Connection, email: string): Promise<LinkedUser> {
  const name = input.name?.trim().slice(0, 200) || null;
  return db.$transaction(async (tx) => {
    // One sign-in at a time per identity: the first one links, the others follow.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`sso:${input.orgId}:${input.issuer}:${input.subject}`}, 0))`;
    const identity = await tx.ssoIdentity.findUnique({
      where: { orgId_issuer_subject: { orgId: input.orgId, issuer: input.issuer, subject: input.subject } },
      select: { id: true, user: { select: { id: true, email: true, name: true, disabledAt: true } } },
    });
    let user = identity?.user;
    let createdUser = false;
    if (!user) ({ user, created: createdUser } = await findOrCreateUser(tx, email, name));
    if (user.disabledAt) throw new Refused("account_disabled", user);

    const membership = await tx.membership.findUnique({ where: { orgId_userId: { orgId: input.orgId, userId: user.id } }, select: { role: true, status: true } });
    if (membership?.status === "SUSPENDED") throw new Refused("membership_suspended", user);
    const actor: Actor = { type: "USER", id: user.id, label: user.email };
    let joinedAs: string | null = null;
    if (!membership) {
      const settings = await tx.orgSettings.findUnique({ where: { orgId: input.orgId }, select: { scimDefaultRole: true } });
      const role = settings?.scimDefaultRole ?? "VIEWER";
      await tx.membership.create({ data: { orgId: input.orgId, userId: user.id, role } });
      joinedAs = role;
      await recordAudit(tx, {
        action: "member.joined",
        orgId: input.orgId,
        actor,
        target: { type: "user", id: user.id },
        metadata: { role, via: "sso", connectionId: connection.id },
        request: input.request,
      });
    }

    const now = new Date();
    if (identity) {
      await tx.ssoIdentity.update({ where: { id: identity.id }, data: { connectionId: connection.id, email, lastSignInAt: now } });
    } else {
      await tx.ssoIdentity.create({
        data: { orgId: input.orgId, connectionId: connection.id, issuer: input.issuer, subject: input.subject, userId: user.id, email, lastSignInAt: now },
      });
    }
    await recordAudit(tx, {
      action: "auth.sso.succeeded",
      orgId: input.orgId,
      actor,
      target: { type: "user", id: user.id },
      metadata: {
        protocol: connection.protocol,
        connectionId: connection.id,
        issuer: input.issuer.slice(0, 500),
        subject: input.subject.slice(0, 255),
        email,
        linked: identity ? "existing" : createdUser ? "new_user" : "existing_user",
        ...(joinedAs ? { joinedAs } : {}),
      },
      request: input.request,
    });
    return { userId: user.id, email: user.email, name: user.name };
  });
}

/**
 * Link an SSO sign-in to a Gatehouse user of the org, provisioning the user
 * and membership on first sign-in. Throws SsoSignInError (already audited)
 * when the sign-in is refused.
 */
export async function linkSsoSignIn(input: SsoSignIn): Promise<LinkedUser> {
  const email = normaliseEmail(input.email);
  let connection: Connection | null = null;
  try {
    connection = await loadConnection(input.orgId, input.connectionId);
    if (!connection) throw new Refused("connection_unavailable", null);
    if (!connection.issuer || connection.issuer !== input.issuer) throw new Refused("issuer_mismatch", null);
    if (!input.subject || input.subject.length > 255) throw new Refused("subject_missing", null);
    if (!email) throw new Refused("email_missing", null);
    if (input.emailVerified === false) throw new Refused("email_not_verified", null);
    if (!(await inVerifiedDomain(db, input.orgId, email))) throw new Refused("email_domain_not_verified", null);
    try {
      return await link(input, connection, email);
    } catch (error) {
      // A user created at the same moment by sign-up or another org's SSO: the second attempt finds it.
      if (isUniqueViolation(error)) return await link(input, connection, email);
      throw error;
    }
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    const orgExists = uuid.safeParse(input.orgId).success && (await db.org.findUnique({ where: { id: input.orgId }, select: { id: true } }));
    if (orgExists) await auditFailure(input, error.reason, email, connection?.protocol ?? null, error.user);
    throw new SsoSignInError(error.reason);
  }
}
