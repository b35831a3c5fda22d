import "server-only";
import { db } from "@/lib/db/client";
import { openClientSecret } from "./client-secret";
import { storedDiscovery } from "./connections";
import type { OidcDiscovery } from "./schemas";

/** What sign-in needs of an org's connections: an OIDC connection opened for next-auth, and what /sso/{orgSlug} offers. */
export interface OidcSignInConfig {
  connectionId: string;
  orgId: string;
  orgSlug: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  discovery: OidcDiscovery;
}

/**
 * An enabled OIDC connection of a live org, with its client secret opened,
 * for next-auth; null when there is none (or it cannot be used).
 */
export async function oidcSignInConfig(connectionId: string): Promise<OidcSignInConfig | null> {
  const row = await db.ssoConnection.findFirst({
    where: { id: connectionId, protocol: "OIDC", enabled: true, org: { deletedAt: null } },
    select: {
      id: true,
      orgId: true,
      oidcIssuer: true,
      oidcClientId: true,
      oidcDiscovery: true,
      secretFormatVersion: true,
      secretKekId: true,
      secretWrappedDek: true,
      secretCiphertext: true,
      secretLast4: true,
      org: { select: { slug: true } },
    },
  });
  const discovery = storedDiscovery(row?.oidcDiscovery);
  if (!row || !discovery || !row.oidcIssuer || !row.oidcClientId) return null;
  const clientSecret = await openClientSecret(row);
  if (clientSecret === null) return null;
  return { connectionId: row.id, orgId: row.orgId, orgSlug: row.org.slug, issuer: row.oidcIssuer, clientId: row.oidcClientId, clientSecret, discovery };
}

export interface StartableConnection {
  id: string;
  name: string;
  protocol: "OIDC" | "SAML";
}

/** The enabled connections of a live org, by slug, oldest first: what /sso/{orgSlug} offers. */
export async function startableConnections(orgSlug: string): Promise<{ orgId: string; orgName: string; connections: StartableConnection[] } | null> {
  const org = await db.org.findFirst({
    where: { slug: orgSlug, deletedAt: null },
    select: {
      id: true,
      name: true,
      ssoConnections: { where: { enabled: true }, select: { id: true, name: true, protocol: true }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
    },
  });
  if (!org) return null;
  return { orgId: org.id, orgName: org.name, connections: org.ssoConnections };
}
