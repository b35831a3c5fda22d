import "server-only";
import { env } from "@/lib/env";

/**
 * The URLs of SSO, all on the one auth origin (NEXTAUTH_URL): next-auth
 * builds its OIDC redirect URIs from it, so the URIs shown to paste into an
 * IdP must be the same. Without NEXTAUTH_URL (development) it is
 * http://localhost:3000.
 */
export function authOrigin(): string {
  const configured = env().NEXTAUTH_URL;
  return configured ? new URL(configured).origin : "http://localhost:3000";
}

/** next-auth's provider id for an OIDC connection. */
export const OIDC_PROVIDER_PREFIX = "oidc-";
export const oidcProviderId = (connectionId: string) => `${OIDC_PROVIDER_PREFIX}${connectionId}`;

/** The redirect (callback) URI to register at the IdP. */
export function oidcRedirectUri(connectionId: string): string {
  return `${authOrigin()}/api/auth/callback/${oidcProviderId(connectionId)}`;
}

/**
 * SAML service-provider URLs of a connection. The SP entity id is the
 * metadata URL; the SAML route handlers serve metadata, the ACS and the
 * SP-initiated start (`login`) at these paths.
 */
export function samlSpUrls(connectionId: string) {
  const base = `${authOrigin()}/api/sso/saml/${connectionId}`;
  return { entityId: `${base}/metadata`, acsUrl: `${base}/acs`, metadataUrl: `${base}/metadata` };
}

/** Where the SSO start page sends the browser to begin SAML (SP-initiated). */
export const samlStartPath = (connectionId: string) => `/api/sso/saml/${connectionId}/login`;

/** The page that starts SSO with an org (its only enabled connection, or a chooser). */
export function ssoStartPath(orgSlug: string, connectionId?: string): string {
  return `/sso/${encodeURIComponent(orgSlug)}${connectionId ? `?connection=${connectionId}` : ""}`;
}
