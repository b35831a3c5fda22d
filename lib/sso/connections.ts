import "server-only";
import { randomUUID } from "node:crypto";
import type { AuditAction } from "@/lib/audit/actions";
import { recordAudit } from "@/lib/audit/record";
import { db, type Tx } from "@/lib/db/client";
import type { OrgContext } from "@/lib/security/context";
import { AppError } from "@/lib/security/errors";
import { requireRecentMfa } from "@/lib/security/step-up";
import { sealClientSecret } from "./client-secret";
import { discover, type DiscoveryFetch } from "./discovery";
import { describeCertificate, normaliseCertificate, parseIdpMetadata, type SamlIdp } from "./saml-metadata";
import { oidcDiscoveryDto, type ConnectionView, type CreateConnectionInput, type OidcDiscovery, type UpdateConnectionInput } from "./schemas";
import { oidcRedirectUri, samlSpUrls, authOrigin, ssoStartPath } from "./urls";

/**
 * An org's SSO connections. OIDC: issuer, client id, the client secret sealed
 * with the vault's envelope encryption (./client-secret.ts), and the issuer's
 * discovery document, fetched once and stored. SAML: the IdP's
 * entity id, SSO URL and signing certificates, stored for the SAML routes.
 * Views never carry the secret (its last four at most); audit events neither.
 * Every change needs a recent MFA check in the session (step-up).
 */
const MAX_CONNECTIONS = 20;

export interface ConnectionDeps {
  /** How discovery documents are fetched (tests pass a fake). */
  fetchDiscovery?: DiscoveryFetch;
}

const select = {
  id: true,
  orgId: true,
  protocol: true,
  name: true,
  enabled: true,
  oidcIssuer: true,
  oidcClientId: true,
  secretLast4: true,
  oidcDiscovery: true,
  oidcDiscoveredAt: true,
  samlEntityId: true,
  samlSsoUrl: true,
  samlCertificates: true,
  createdAt: true,
  updatedAt: true,
} as const;

type Row = {
  id: string;
  orgId: string;
  protocol: "OIDC" | "SAML";
  name: string;
  enabled: boolean;
  oidcIssuer: string | null;
  oidcClientId: string | null;
  secretLast4: string | null;
  oidcDiscovery: unknown;
  oidcDiscoveredAt: Date | null;
  samlEntityId: string | null;
  samlSsoUrl: string | null;
  samlCertificates: string[];
  createdAt: Date;
  updatedAt: Date;
};

/** The stored discovery document, or null when missing or not one. */
export function storedDiscovery(value: unknown): OidcDiscovery | null {
  const parsed = oidcDiscoveryDto.safeParse(value);
  return parsed.success ? parsed.data : null;
}

function toView(row: Row, orgSlug: string): ConnectionView {
  const discovery = row.protocol === "OIDC" ? storedDiscovery(row.oidcDiscovery) : null;
  return {
    id: row.id,
    protocol: row.protocol,
    name: row.name,
    enabled: row.enabled,
    oidc:
      row.protocol === "OIDC"
        ? {
            issuer: row.oidcIssuer ?? "",
            clientId: row.oidcClientId ?? "",
            clientSecretLast4: row.secretLast4,
            discovery:
              discovery && row.oidcDiscoveredAt
                ? {
                    authorizationEndpoint: discovery.authorization_endpoint,
                    tokenEndpoint: discovery.token_endpoint,
                    userinfoEndpoint: discovery.userinfo_endpoint ?? null,
                    jwksUri: discovery.jwks_uri,
                    fetchedAt: row.oidcDiscoveredAt,
                  }
                : null,
            redirectUri: oidcRedirectUri(row.id),
          }
        : null,
    saml:
      row.protocol === "SAML"
        ? { entityId: row.samlEntityId, ssoUrl: row.samlSsoUrl, certificates: row.samlCertificates.map(describeCertificate), sp: samlSpUrls(row.id) }
        : null,
    signInUrl: `${authOrigin()}${ssoStartPath(orgSlug, row.id)}`,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function audit(tx: Tx, ctx: OrgContext, action: AuditAction, row: { id: string }, metadata: Record<string, unknown>) {
  return recordAudit(tx, { action, orgId: ctx.orgId, actor: ctx.actor, target: { type: "sso_connection", id: row.id }, metadata, request: ctx.request });
}

/** What an audit event says about a connection: never the secret, its last four at most. */
function facts(row: Row) {
  return row.protocol === "OIDC"
    ? { name: row.name, enabled: row.enabled, issuer: row.oidcIssuer, clientId: row.oidcClientId, clientSecretLast4: row.secretLast4 }
    : { name: row.name, enabled: row.enabled, entityId: row.samlEntityId, ssoUrl: row.samlSsoUrl, certificates: row.samlCertificates.map((c) => describeCertificate(c).sha256) };
}

function changes(before: Row, after: Row) {
  const a = facts(before) as Record<string, unknown>;
  const b = facts(after) as Record<string, unknown>;
  const changed = Object.keys(b).filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key]));
  return {
    protocol: after.protocol,
    before: Object.fromEntries(changed.map((k) => [k, a[k]])),
    after: Object.fromEntries(changed.map((k) => [k, b[k]])),
  };
}

function wrongProtocol(field: string, protocol: string): never {
  throw new AppError("validation_failed", undefined, { issues: [{ path: field, message: `Not a field of ${protocol} connections` }] });
}

/** The SAML IdP from metadata XML and/or the three fields (the fields win over the metadata). */
function samlIdp(input: { metadataXml?: string; entityId?: string; ssoUrl?: string; certificates?: string[] }, current?: SamlIdp): SamlIdp {
  const fromXml = input.metadataXml ? parseIdpMetadata(input.metadataXml) : undefined;
  const idp = {
    entityId: input.entityId ?? fromXml?.entityId ?? current?.entityId,
    ssoUrl: input.ssoUrl ?? fromXml?.ssoUrl ?? current?.ssoUrl,
    certificates: input.certificates ? input.certificates.map(normaliseCertificate) : (fromXml?.certificates ?? current?.certificates ?? []),
  };
  const issues = [
    ...(idp.entityId ? [] : [{ path: "entityId", message: "Enter the IdP's entity id, or paste its metadata XML" }]),
    ...(idp.ssoUrl ? [] : [{ path: "ssoUrl", message: "Enter the IdP's SSO URL, or paste its metadata XML" }]),
    ...(idp.certificates.length ? [] : [{ path: "certificates", message: "Add the IdP's signing certificate, or paste its metadata XML" }]),
  ];
  if (issues.length) throw new AppError("validation_failed", undefined, { issues });
  return { entityId: idp.entityId!, ssoUrl: idp.ssoUrl!, certificates: [...new Set(idp.certificates)] };
}

export async function listConnections(ctx: OrgContext): Promise<ConnectionView[]> {
  const rows = await db.ssoConnection.findMany({ where: { orgId: ctx.orgId }, select, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  return rows.map((row) => toView(row, ctx.orgSlug));
}

async function findRow(ctx: OrgContext, id: string, client: Tx | typeof db = db): Promise<Row> {
  const row = await client.ssoConnection.findFirst({ where: { id, orgId: ctx.orgId }, select });
  if (!row) throw new AppError("not_found");
  return row;
}

export async function getConnection(ctx: OrgContext, id: string): Promise<ConnectionView> {
  return toView(await findRow(ctx, id), ctx.orgSlug);
}

export async function createConnection(ctx: OrgContext, input: CreateConnectionInput, deps: ConnectionDeps = {}): Promise<ConnectionView> {
  requireRecentMfa(ctx);
  const id = randomUUID();
  let data: Record<string, unknown>;
  if (input.protocol === "OIDC") {
    const discovery = await discover(input.issuer, deps.fetchDiscovery);
    data = {
      oidcIssuer: discovery.issuer,
      oidcClientId: input.clientId,
      oidcDiscovery: discovery,
      oidcDiscoveredAt: new Date(),
      ...(await sealClientSecret(ctx.orgId, id, input.clientSecret)),
    };
  } else {
    const idp = samlIdp(input);
    data = { samlEntityId: idp.entityId, samlSsoUrl: idp.ssoUrl, samlCertificates: idp.certificates };
  }
  return db.$transaction(async (tx) => {
    const count = await tx.ssoConnection.count({ where: { orgId: ctx.orgId } });
    if (count >= MAX_CONNECTIONS) throw new AppError("conflict", `An organisation can have at most ${MAX_CONNECTIONS} SSO connections.`);
    const row = await tx.ssoConnection.create({
      data: { id, orgId: ctx.orgId, protocol: input.protocol, name: input.name, enabled: input.enabled, createdById: ctx.principal.userId, ...data },
      select,
    });
    await audit(tx, ctx, "sso.connection.created", row, { protocol: row.protocol, ...facts(row) });
    return toView(row, ctx.orgSlug);
  });
}

const OIDC_FIELDS = ["issuer", "clientId", "clientSecret"] as const;
const SAML_FIELDS = ["metadataXml", "entityId", "ssoUrl", "certificates"] as const;

/**
 * Change a connection. A new issuer is discovered again; a new client secret
 * is sealed in place of the old; SAML metadata or fields replace what they
 * name. Fields of the other protocol answer 422. Nothing changed: nothing is
 * written or audited.
 */
export async function updateConnection(ctx: OrgContext, id: string, input: UpdateConnectionInput, deps: ConnectionDeps = {}): Promise<ConnectionView> {
  requireRecentMfa(ctx);
  const before = await findRow(ctx, id);
  const data: Record<string, unknown> = {};
  if (input.name !== undefined) data.name = input.name;
  if (input.enabled !== undefined) data.enabled = input.enabled;
  if (before.protocol === "OIDC") {
    for (const field of SAML_FIELDS) if (input[field] !== undefined) wrongProtocol(field, "OIDC");
    if (input.issuer !== undefined && input.issuer !== before.oidcIssuer) {
      const discovery = await discover(input.issuer, deps.fetchDiscovery);
      Object.assign(data, { oidcIssuer: discovery.issuer, oidcDiscovery: discovery, oidcDiscoveredAt: new Date() });
    }
    if (input.clientId !== undefined) data.oidcClientId = input.clientId;
    if (input.clientSecret !== undefined) Object.assign(data, await sealClientSecret(ctx.orgId, before.id, input.clientSecret));
  } else {
    for (const field of OIDC_FIELDS) if (input[field] !== undefined) wrongProtocol(field, "SAML");
    if (SAML_FIELDS.some((field) => input[field] !== undefined)) {
      const current = { entityId: before.samlEntityId ?? "", ssoUrl: before.samlSsoUrl ?? "", certificates: before.samlCertificates };
      const idp = samlIdp(input, current);
      Object.assign(data, { samlEntityId: idp.entityId, samlSsoUrl: idp.ssoUrl, samlCertificates: idp.certificates });
    }
  }
  if (Object.keys(data).length === 0) return toView(before, ctx.orgSlug);
  return db.$transaction(async (tx) => {
    const { count } = await tx.ssoConnection.updateMany({ where: { id: before.id, orgId: ctx.orgId }, data });
    if (count === 0) throw new AppError("not_found");
    const after = await findRow(ctx, before.id, tx);
    const diff = changes(before, after);
    const secretChanged = input.clientSecret !== undefined;
    if (Object.keys(diff.after).length === 0 && !secretChanged) return toView(after, ctx.orgSlug);
    await audit(tx, ctx, "sso.connection.updated", after, { ...diff, ...(secretChanged ? { clientSecretReplaced: true } : {}) });
    return toView(after, ctx.orgSlug);
  });
}

/** Fetch the issuer's discovery document again (its endpoints or keys moved). Audited with the endpoints before and after. */
export async function refreshDiscovery(ctx: OrgContext, id: string, deps: ConnectionDeps = {}): Promise<ConnectionView> {
  requireRecentMfa(ctx);
  const before = await findRow(ctx, id);
  if (before.protocol !== "OIDC" || !before.oidcIssuer) throw new AppError("conflict", "Only OIDC connections have a discovery document.");
  const discovery = await discover(before.oidcIssuer, deps.fetchDiscovery);
  return db.$transaction(async (tx) => {
    const { count } = await tx.ssoConnection.updateMany({
      where: { id: before.id, orgId: ctx.orgId },
      data: { oidcIssuer: discovery.issuer, oidcDiscovery: discovery, oidcDiscoveredAt: new Date() },
    });
    if (count === 0) throw new AppError("not_found");
    const after = await findRow(ctx, before.id, tx);
    const old = storedDiscovery(before.oidcDiscovery);
    await audit(tx, ctx, "sso.connection.updated", after, {
      protocol: after.protocol,
      discoveryRefreshed: true,
      before: { tokenEndpoint: old?.token_endpoint ?? null, jwksUri: old?.jwks_uri ?? null, authorizationEndpoint: old?.authorization_endpoint ?? null },
      after: { tokenEndpoint: discovery.token_endpoint, jwksUri: discovery.jwks_uri, authorizationEndpoint: discovery.authorization_endpoint },
    });
    return toView(after, ctx.orgSlug);
  });
}

/** Delete a connection and the identities linked through it (their users and memberships stay). */
export async function deleteConnection(ctx: OrgContext, id: string): Promise<void> {
  requireRecentMfa(ctx);
  const row = await findRow(ctx, id);
  await db.$transaction(async (tx) => {
    const { count } = await tx.ssoConnection.deleteMany({ where: { id: row.id, orgId: ctx.orgId } });
    if (count === 0) throw new AppError("not_found");
    await audit(tx, ctx, "sso.connection.deleted", row, { protocol: row.protocol, ...facts(row) });
  });
}
