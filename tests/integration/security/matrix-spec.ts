import { randomUUID } from "node:crypto";
import type { ApiKeyScope } from "@/lib/api-keys/schemas";
import type { Permission } from "@/lib/security/permissions";
import type { Tenant, TestUser } from "../../support/fixtures";
import { ACTIONS as BASE_ACTIONS } from "./matrix-actions";
import { fresh, makeInvitationFor, providerKeyOf, providerSecret } from "./matrix-helpers";
import { SCIM_ACTION_DOORS, SCIM_ROUTE_DOORS } from "./matrix-scim";
import { freshDomain, localIssuer, makeDomain, makeOidcConnection } from "../../support/sso";
import { makeSamlConnection, sharedIdpKeys } from "../../support/saml-idp";

/**
 * Every route handler and server action, with the permission it must demand.
 * The matrix test enumerates routes and actions from the code and fails when
 * one is missing here. `build` picks ids from `resource` (the own tenant, or a
 * foreign one to probe cross-tenant access) and the org from `target`.
 */
export interface Scenario {
  target: Tenant;
  resource: Tenant;
  caller: TestUser | null;
  /** An API key secret sent as `Authorization: Bearer` instead of a session. */
  bearer?: string;
}

export interface Built {
  params?: Record<string, string>;
  body?: unknown;
  /** The URL path to call, for catch-all routes whose handler reads the path itself (SCIM). */
  path?: string;
}

export type Door =
  | {
      scope: "org";
      permission: Permission;
      success: number;
      hasResource?: boolean;
      /** The route also admits API keys with management scopes (withOrgOrKey). */
      apiKeys?: boolean;
      build: (s: Scenario) => Built | Promise<Built>;
    }
  /** SDK endpoints: an API key with `keyScope`; `success` is the status once past the door (no provider key sent). */
  | { scope: "gateway"; keyScope: ApiKeyScope; success: number; build?: (s: Scenario) => Built }
  | { scope: "user"; success: number; build: (s: Scenario) => Built | Promise<Built> }
  /** Operator routes behind `Authorization: Bearer $CRON_SECRET` (withCron): only that secret passes. */
  | { scope: "cron"; success: number; build?: (s: Scenario) => Built }
  | { scope: "public"; success: number; build?: (s: Scenario) => Built | Promise<Built> }
  /**
   * SCIM (withScim): only an org's SCIM token passes, and it selects the org;
   * `hasResource` probes a foreign tenant's user through the own token (404).
   */
  | { scope: "scim"; success: number; hasResource?: boolean; build: (s: Scenario) => Built | Promise<Built> };

const orgParams = (s: Scenario) => ({ orgId: s.target.org.id });
const keyParams = (s: Scenario) => ({ ...orgParams(s), projectId: s.resource.project.id, keyId: s.resource.apiKey.id });
const providerKeyParams = async (s: Scenario) => ({ ...orgParams(s), providerKeyId: await providerKeyOf(s.resource) });
/** A SAML connection of the target org (public doors run as the own tenant only). */
const samlParams = async (s: Scenario) => ({
  params: { connectionId: (await makeSamlConnection(s.target.org.id, { entityId: `https://idp-${randomUUID().slice(0, 8)}.example/saml`, certificates: [sharedIdpKeys().cert] })).id },
});
const chatBody = { model: "gpt-4o-mini", messages: [{ role: "user", content: "hello" }] };

export const ROUTES: Record<string, Door | { scope: "auth" }> = {
  "GET /api/health": { scope: "public", success: 200 },
  "GET /api/v1/openapi.json": { scope: "public", success: 200 },
  // SAML: public by nature (the IdP's page posts the ACS); the connection id selects the org, the signed assertion proves the user.
  "GET /api/sso/saml/[connectionId]/metadata": { scope: "public", success: 200, build: (s) => samlParams(s) },
  "GET /api/sso/saml/[connectionId]/login": { scope: "public", success: 302, build: (s) => samlParams(s) },
  // No SAMLResponse in the post: refused (400), whoever calls.
  "POST /api/sso/saml/[connectionId]/acs": { scope: "public", success: 400, build: (s) => samlParams(s) },
  "GET /api/auth/[...nextauth]": { scope: "auth" },
  "POST /api/auth/[...nextauth]": { scope: "auth" },
  "GET /api/v1/me": { scope: "user", success: 200, build: () => ({}) },
  "GET /api/v1/orgs": { scope: "user", success: 200, build: () => ({}) },
  "POST /api/v1/orgs": { scope: "user", success: 201, build: () => ({ body: { name: fresh("New org") } }) },
  "POST /api/v1/invitations/accept": {
    scope: "user",
    success: 200,
    build: async (s) => ({ body: { token: await makeInvitationFor(s.caller) } }),
  },
  "GET /api/v1/orgs/[orgId]": { scope: "org", permission: "org.read", success: 200, apiKeys: true, build: (s) => ({ params: orgParams(s) }) },
  "PATCH /api/v1/orgs/[orgId]": {
    scope: "org",
    permission: "org.update",
    success: 200,
    build: (s) => ({ params: orgParams(s), body: { name: fresh("Renamed") } }),
  },
  "DELETE /api/v1/orgs/[orgId]": { scope: "org", permission: "org.delete", success: 204, build: (s) => ({ params: orgParams(s) }) },
  "GET /api/v1/orgs/[orgId]/projects": { scope: "org", permission: "projects.read", success: 200, build: (s) => ({ params: orgParams(s) }) },
  "POST /api/v1/orgs/[orgId]/projects": {
    scope: "org",
    permission: "projects.write",
    success: 201,
    build: (s) => ({ params: orgParams(s), body: { name: fresh("Project") } }),
  },
  "GET /api/v1/orgs/[orgId]/projects/[projectId]": {
    scope: "org",
    permission: "projects.read",
    success: 200,
    hasResource: true,
    apiKeys: true,
    build: (s) => ({ params: { ...orgParams(s), projectId: s.resource.project.id } }),
  },
  "PATCH /api/v1/orgs/[orgId]/projects/[projectId]": {
    scope: "org",
    permission: "projects.write",
    success: 200,
    hasResource: true,
    build: (s) => ({ params: { ...orgParams(s), projectId: s.resource.project.id }, body: { name: fresh("Renamed") } }),
  },
  "DELETE /api/v1/orgs/[orgId]/projects/[projectId]": {
    scope: "org",
    permission: "projects.write",
    success: 204,
    hasResource: true,
    build: (s) => ({ params: { ...orgParams(s), projectId: s.resource.project.id } }),
  },
  "GET /api/v1/orgs/[orgId]/projects/[projectId]/api-keys": {
    scope: "org",
    permission: "api_keys.read",
    success: 200,
    hasResource: true,
    apiKeys: true,
    build: (s) => ({ params: { ...orgParams(s), projectId: s.resource.project.id } }),
  },
  "POST /api/v1/orgs/[orgId]/projects/[projectId]/api-keys": {
    scope: "org",
    permission: "api_keys.create",
    success: 201,
    hasResource: true,
    apiKeys: true,
    build: (s) => ({ params: { ...orgParams(s), projectId: s.resource.project.id }, body: { name: fresh("Key"), scopes: ["chat"] } }),
  },
  "GET /api/v1/orgs/[orgId]/projects/[projectId]/api-keys/[keyId]": {
    scope: "org",
    permission: "api_keys.read",
    success: 200,
    hasResource: true,
    apiKeys: true,
    build: (s) => ({ params: keyParams(s) }),
  },
  "PATCH /api/v1/orgs/[orgId]/projects/[projectId]/api-keys/[keyId]": {
    scope: "org",
    permission: "api_keys.manage",
    success: 200,
    hasResource: true,
    apiKeys: true,
    build: (s) => ({ params: keyParams(s), body: { name: fresh("Renamed key"), ipAllowlist: ["203.0.113.0/24"] } }),
  },
  "DELETE /api/v1/orgs/[orgId]/projects/[projectId]/api-keys/[keyId]": {
    scope: "org",
    permission: "api_keys.manage",
    success: 200,
    hasResource: true,
    apiKeys: true,
    build: (s) => ({ params: keyParams(s) }),
  },
  "POST /api/v1/orgs/[orgId]/projects/[projectId]/api-keys/[keyId]/rotate": {
    scope: "org",
    permission: "api_keys.manage",
    success: 200,
    hasResource: true,
    apiKeys: true,
    build: (s) => ({ params: keyParams(s), body: { graceSeconds: 60 } }),
  },
  "GET /api/v1/orgs/[orgId]/settings": { scope: "org", permission: "settings.read", success: 200, build: (s) => ({ params: orgParams(s) }) },
  "PATCH /api/v1/orgs/[orgId]/settings": {
    scope: "org",
    permission: "settings.manage",
    success: 200,
    build: (s) => ({ params: orgParams(s), body: { storePrompts: true, allowedEmailDomains: ["example.com"] } }),
  },
  "GET /api/v1/orgs/[orgId]/projects/[projectId]/settings": {
    scope: "org",
    permission: "settings.read",
    success: 200,
    hasResource: true,
    build: (s) => ({ params: { ...orgParams(s), projectId: s.resource.project.id } }),
  },
  "PATCH /api/v1/orgs/[orgId]/projects/[projectId]/settings": {
    scope: "org",
    permission: "settings.manage",
    success: 200,
    hasResource: true,
    build: (s) => ({ params: { ...orgParams(s), projectId: s.resource.project.id }, body: { retentionDays: 7, storeResponses: true } }),
  },
  // The vault: sessions only (no API key reaches it), ADMIN and OWNER, re-wrap OWNER alone.
  "GET /api/v1/orgs/[orgId]/provider-keys": { scope: "org", permission: "provider_keys.read", success: 200, build: (s) => ({ params: orgParams(s) }) },
  // A project's own key, for the resource's project: another org's project answers 404.
  "POST /api/v1/orgs/[orgId]/provider-keys": {
    scope: "org",
    permission: "provider_keys.manage",
    success: 201,
    hasResource: true,
    build: (s) => ({ params: orgParams(s), body: { provider: "openai", label: fresh("Provider key"), secret: providerSecret(), projectId: s.resource.project.id } }),
  },
  "GET /api/v1/orgs/[orgId]/provider-keys/[providerKeyId]": {
    scope: "org",
    permission: "provider_keys.read",
    success: 200,
    hasResource: true,
    build: async (s) => ({ params: await providerKeyParams(s) }),
  },
  "PATCH /api/v1/orgs/[orgId]/provider-keys/[providerKeyId]": {
    scope: "org",
    permission: "provider_keys.manage",
    success: 200,
    hasResource: true,
    build: async (s) => ({ params: await providerKeyParams(s), body: { label: fresh("Relabelled") } }),
  },
  "DELETE /api/v1/orgs/[orgId]/provider-keys/[providerKeyId]": {
    scope: "org",
    permission: "provider_keys.manage",
    success: 200,
    hasResource: true,
    build: async (s) => ({ params: await providerKeyParams(s) }),
  },
  "POST /api/v1/orgs/[orgId]/provider-keys/[providerKeyId]/replace": {
    scope: "org",
    permission: "provider_keys.manage",
    success: 200,
    hasResource: true,
    build: async (s) => ({ params: await providerKeyParams(s), body: { secret: providerSecret() } }),
  },
  "GET /api/v1/orgs/[orgId]/vault": { scope: "org", permission: "provider_keys.read", success: 200, build: (s) => ({ params: orgParams(s) }) },
  // With a key in the target org, so a re-wrap has something of that org's to look at.
  "POST /api/v1/orgs/[orgId]/vault/rewrap": {
    scope: "org",
    permission: "vault.rewrap",
    success: 200,
    build: async (s) => {
      await providerKeyOf(s.target);
      return { params: orgParams(s) };
    },
  },
  // Single sign-on: ADMIN and OWNER (sso.manage), sessions only. Verifying a verified domain answers it without DNS.
  "GET /api/v1/orgs/[orgId]/domains": { scope: "org", permission: "sso.manage", success: 200, build: (s) => ({ params: orgParams(s) }) },
  "POST /api/v1/orgs/[orgId]/domains": { scope: "org", permission: "sso.manage", success: 201, build: (s) => ({ params: orgParams(s), body: { domain: freshDomain() } }) },
  "DELETE /api/v1/orgs/[orgId]/domains/[domainId]": {
    scope: "org",
    permission: "sso.manage",
    success: 204,
    hasResource: true,
    build: async (s) => ({ params: { ...orgParams(s), domainId: (await makeDomain(s.resource.org.id)).id } }),
  },
  "POST /api/v1/orgs/[orgId]/domains/[domainId]/verify": {
    scope: "org",
    permission: "sso.manage",
    success: 200,
    hasResource: true,
    build: async (s) => ({ params: { ...orgParams(s), domainId: (await makeDomain(s.resource.org.id, { verified: true })).id } }),
  },
  "GET /api/v1/orgs/[orgId]/sso-connections": { scope: "org", permission: "sso.manage", success: 200, build: (s) => ({ params: orgParams(s) }) },
  "POST /api/v1/orgs/[orgId]/sso-connections": {
    scope: "org",
    permission: "sso.manage",
    success: 201,
    build: async (s) => ({
      params: orgParams(s),
      body: { protocol: "OIDC", name: fresh("IdP"), issuer: (await localIssuer()).issuer, clientId: "client", clientSecret: `secret-${randomUUID()}` },
    }),
  },
  "GET /api/v1/orgs/[orgId]/sso-connections/[connectionId]": {
    scope: "org",
    permission: "sso.manage",
    success: 200,
    hasResource: true,
    build: async (s) => ({ params: { ...orgParams(s), connectionId: (await makeOidcConnection(s.resource.org.id)).id } }),
  },
  "PATCH /api/v1/orgs/[orgId]/sso-connections/[connectionId]": {
    scope: "org",
    permission: "sso.manage",
    success: 200,
    hasResource: true,
    build: async (s) => ({ params: { ...orgParams(s), connectionId: (await makeOidcConnection(s.resource.org.id)).id }, body: { name: fresh("Renamed IdP") } }),
  },
  "DELETE /api/v1/orgs/[orgId]/sso-connections/[connectionId]": {
    scope: "org",
    permission: "sso.manage",
    success: 204,
    hasResource: true,
    build: async (s) => ({ params: { ...orgParams(s), connectionId: (await makeOidcConnection(s.resource.org.id)).id } }),
  },
  "POST /api/v1/orgs/[orgId]/sso-connections/[connectionId]/refresh": {
    scope: "org",
    permission: "sso.manage",
    success: 200,
    hasResource: true,
    build: async (s) => ({ params: { ...orgParams(s), connectionId: (await makeOidcConnection(s.resource.org.id)).id } }),
  },
  "POST /api/v1/chat/completions": { scope: "gateway", keyScope: "chat", success: 400, build: () => ({ body: chatBody }) },
  // A preflight names no key: refused for an origin no live key allows (CORS tests cover the grant).
  "OPTIONS /api/v1/chat/completions": { scope: "public", success: 403 },
  "GET /api/v1/models": { scope: "gateway", keyScope: "models", success: 400 },
  "OPTIONS /api/v1/models": { scope: "public", success: 403 },
  // The benchmark's baseline exists only in a server started with GATEHOUSE_BENCH=1; everywhere else, 404 for anyone.
  "POST /api/internal/bench/passthrough": { scope: "public", success: 404, build: () => ({ body: chatBody }) },
  "GET /api/internal/metrics": { scope: "cron", success: 200 },
  // Retention: a real run on the shared test database deletes nothing (no row there is old enough).
  "GET /api/cron/retention": { scope: "cron", success: 200 },
  "POST /internal/retention/run": { scope: "cron", success: 200 },
  "GET /api/v1/orgs/[orgId]/members": { scope: "org", permission: "members.read", success: 200, build: (s) => ({ params: orgParams(s) }) },
  "PATCH /api/v1/orgs/[orgId]/members/[memberId]": {
    scope: "org",
    permission: "members.manage",
    success: 200,
    hasResource: true,
    build: (s) => ({ params: { ...orgParams(s), memberId: s.resource.extraViewer.membership.id }, body: { role: "DEVELOPER" } }),
  },
  "DELETE /api/v1/orgs/[orgId]/members/[memberId]": {
    scope: "org",
    permission: "members.manage",
    success: 204,
    hasResource: true,
    build: (s) => ({ params: { ...orgParams(s), memberId: s.resource.extraViewer.membership.id } }),
  },
  "GET /api/v1/orgs/[orgId]/invitations": { scope: "org", permission: "members.read", success: 200, build: (s) => ({ params: orgParams(s) }) },
  "POST /api/v1/orgs/[orgId]/invitations": {
    scope: "org",
    permission: "members.invite",
    success: 201,
    build: (s) => ({ params: orgParams(s), body: { email: `new-${randomUUID().slice(0, 6)}@example.test`, role: "VIEWER" } }),
  },
  "DELETE /api/v1/orgs/[orgId]/invitations/[invitationId]": {
    scope: "org",
    permission: "members.invite",
    success: 204,
    hasResource: true,
    build: (s) => ({ params: { ...orgParams(s), invitationId: s.resource.invitation.id } }),
  },
  "GET /api/v1/orgs/[orgId]/audit-logs": { scope: "org", permission: "audit.read", success: 200, build: (s) => ({ params: orgParams(s) }) },
  "GET /api/v1/orgs/[orgId]/audit-logs/verify": { scope: "org", permission: "audit.read", success: 200, build: (s) => ({ params: orgParams(s) }) },
  // Without a query the export is CSV.
  "GET /api/v1/orgs/[orgId]/audit-logs/export": { scope: "org", permission: "audit.export", success: 200, build: (s) => ({ params: orgParams(s) }) },
};

// SCIM: the /scim/v2 catch-all, token management (lib/scim) and its console actions.
Object.assign(ROUTES, SCIM_ROUTE_DOORS);

export const ACTIONS: Record<string, Door> = { ...BASE_ACTIONS, ...SCIM_ACTION_DOORS };
