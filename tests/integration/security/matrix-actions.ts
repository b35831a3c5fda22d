import { randomUUID } from "node:crypto";
import { fresh, makeInvitationFor, providerKeyOf, providerSecret } from "./matrix-helpers";
import type { Door, Scenario } from "./matrix-spec";
import { mfaCodeFor, releaseMfaRequirement } from "./matrix-mfa";
import { freshDomain, localIssuer, makeDomain, makeOidcConnection } from "../../support/sso";

/** Every server action, with the permission it must demand (see matrix-spec.ts for routes). */
const inOrg = (s: Scenario, extra: Record<string, unknown> = {}) => ({ body: { orgId: s.target.org.id, ...extra } });

export const ACTIONS: Record<string, Door> = {
  "lib/auth/actions.ts#signUpAction": {
    scope: "public",
    success: 200,
    build: () => ({ body: { name: "New Person", email: `signup-${randomUUID().slice(0, 8)}@example.test`, password: "correct horse battery staple" } }),
  },
  "lib/orgs/actions.ts#createOrgAction": { scope: "user", success: 200, build: () => ({ body: { name: fresh("Org") } }) },
  "lib/orgs/actions.ts#renameOrgAction": { scope: "org", permission: "org.update", success: 200, build: (s) => inOrg(s, { name: fresh("Renamed") }) },
  "lib/orgs/actions.ts#deleteOrgAction": { scope: "org", permission: "org.delete", success: 200, build: (s) => inOrg(s, { confirm: s.target.org.slug }) },
  "lib/projects/actions.ts#createProjectAction": { scope: "org", permission: "projects.write", success: 200, build: (s) => inOrg(s, { name: fresh("Project") }) },
  "lib/projects/actions.ts#renameProjectAction": {
    scope: "org",
    permission: "projects.write",
    success: 200,
    hasResource: true,
    build: (s) => inOrg(s, { projectId: s.resource.project.id, name: fresh("Renamed") }),
  },
  "lib/projects/actions.ts#deleteProjectAction": {
    scope: "org",
    permission: "projects.write",
    success: 200,
    hasResource: true,
    build: (s) => inOrg(s, { projectId: s.resource.project.id }),
  },
  "lib/members/actions.ts#inviteMemberAction": {
    scope: "org",
    permission: "members.invite",
    success: 200,
    build: (s) => inOrg(s, { email: `new-${randomUUID().slice(0, 6)}@example.test`, role: "VIEWER" }),
  },
  "lib/members/actions.ts#revokeInvitationAction": {
    scope: "org",
    permission: "members.invite",
    success: 200,
    hasResource: true,
    build: (s) => inOrg(s, { invitationId: s.resource.invitation.id }),
  },
  "lib/members/actions.ts#changeRoleAction": {
    scope: "org",
    permission: "members.manage",
    success: 200,
    hasResource: true,
    build: (s) => inOrg(s, { memberId: s.resource.extraViewer.membership.id, role: "DEVELOPER" }),
  },
  "lib/members/actions.ts#removeMemberAction": {
    scope: "org",
    permission: "members.manage",
    success: 200,
    hasResource: true,
    build: (s) => inOrg(s, { memberId: s.resource.extraViewer.membership.id }),
  },
  "lib/api-keys/actions.ts#createApiKeyAction": {
    scope: "org",
    permission: "api_keys.create",
    success: 200,
    hasResource: true,
    build: (s) => inOrg(s, { projectId: s.resource.project.id, name: fresh("Key"), scopes: ["chat"] }),
  },
  "lib/api-keys/actions.ts#updateApiKeyAction": {
    scope: "org",
    permission: "api_keys.manage",
    success: 200,
    hasResource: true,
    build: (s) => inOrg(s, { projectId: s.resource.project.id, keyId: s.resource.apiKey.id, patch: { allowedOrigins: ["https://app.example.com"] } }),
  },
  "lib/api-keys/actions.ts#rotateApiKeyAction": {
    scope: "org",
    permission: "api_keys.manage",
    success: 200,
    hasResource: true,
    build: (s) => inOrg(s, { projectId: s.resource.project.id, keyId: s.resource.apiKey.id, graceSeconds: 0 }),
  },
  "lib/api-keys/actions.ts#revokeApiKeyAction": {
    scope: "org",
    permission: "api_keys.manage",
    success: 200,
    hasResource: true,
    build: (s) => inOrg(s, { projectId: s.resource.project.id, keyId: s.resource.apiKey.id, confirm: true }),
  },
  "lib/settings/actions.ts#updateOrgSettingsAction": {
    scope: "org",
    permission: "settings.manage",
    success: 200,
    build: (s) => inOrg(s, { patch: { retentionDays: 90, enforceSso: true } }),
  },
  "lib/settings/actions.ts#updateProjectSettingsAction": {
    scope: "org",
    permission: "settings.manage",
    success: 200,
    hasResource: true,
    build: (s) => inOrg(s, { projectId: s.resource.project.id, patch: { storePrompts: true } }),
  },
  "lib/vault/actions.ts#createProviderKeyAction": {
    scope: "org",
    permission: "provider_keys.manage",
    success: 200,
    hasResource: true,
    build: (s) => inOrg(s, { provider: "anthropic", label: fresh("Provider key"), secret: providerSecret(), projectId: s.resource.project.id }),
  },
  "lib/vault/actions.ts#replaceProviderKeyAction": {
    scope: "org",
    permission: "provider_keys.manage",
    success: 200,
    hasResource: true,
    build: async (s) => inOrg(s, { providerKeyId: await providerKeyOf(s.resource), secret: providerSecret(), label: fresh("Replaced") }),
  },
  "lib/vault/actions.ts#updateProviderKeyAction": {
    scope: "org",
    permission: "provider_keys.manage",
    success: 200,
    hasResource: true,
    build: async (s) => inOrg(s, { providerKeyId: await providerKeyOf(s.resource), label: fresh("Relabelled") }),
  },
  "lib/vault/actions.ts#revokeProviderKeyAction": {
    scope: "org",
    permission: "provider_keys.manage",
    success: 200,
    hasResource: true,
    build: async (s) => inOrg(s, { providerKeyId: await providerKeyOf(s.resource), confirm: true }),
  },
  "lib/vault/actions.ts#rewrapVaultAction": {
    scope: "org",
    permission: "vault.rewrap",
    success: 200,
    build: async (s) => {
      await providerKeyOf(s.target);
      return inOrg(s, { confirm: true });
    },
  },
  "lib/sso/actions.ts#ssoLookupAction": { scope: "public", success: 200, build: () => ({ body: { email: `someone@${freshDomain()}` } }) },
  "lib/sso/actions.ts#addDomainAction": { scope: "org", permission: "sso.manage", success: 200, build: (s) => inOrg(s, { domain: freshDomain() }) },
  "lib/sso/actions.ts#verifyDomainAction": {
    scope: "org",
    permission: "sso.manage",
    success: 200,
    hasResource: true,
    build: async (s) => inOrg(s, { domainId: (await makeDomain(s.resource.org.id, { verified: true })).id }),
  },
  "lib/sso/actions.ts#removeDomainAction": {
    scope: "org",
    permission: "sso.manage",
    success: 200,
    hasResource: true,
    build: async (s) => inOrg(s, { domainId: (await makeDomain(s.resource.org.id)).id, confirm: "true" }),
  },
  "lib/sso/actions.ts#createConnectionAction": {
    scope: "org",
    permission: "sso.manage",
    success: 200,
    build: async (s) =>
      inOrg(s, { protocol: "OIDC", name: fresh("IdP"), issuer: (await localIssuer()).issuer, clientId: "client", clientSecret: `secret-${randomUUID()}` }),
  },
  "lib/sso/actions.ts#updateConnectionAction": {
    scope: "org",
    permission: "sso.manage",
    success: 200,
    hasResource: true,
    build: async (s) => inOrg(s, { connectionId: (await makeOidcConnection(s.resource.org.id)).id, enabled: "false" }),
  },
  "lib/sso/actions.ts#refreshDiscoveryAction": {
    scope: "org",
    permission: "sso.manage",
    success: 200,
    hasResource: true,
    build: async (s) => inOrg(s, { connectionId: (await makeOidcConnection(s.resource.org.id)).id }),
  },
  "lib/sso/actions.ts#deleteConnectionAction": {
    scope: "org",
    permission: "sso.manage",
    success: 200,
    hasResource: true,
    build: async (s) => inOrg(s, { connectionId: (await makeOidcConnection(s.resource.org.id)).id, confirm: "true" }),
  },
  "lib/mfa/actions.ts#confirmEnrolmentAction": { scope: "user", success: 200, build: async (s) => ({ body: { code: await mfaCodeFor(s.caller, "pending") } }) },
  "lib/mfa/actions.ts#verifyMfaAction": { scope: "user", success: 200, build: async (s) => ({ body: { code: await mfaCodeFor(s.caller) } }) },
  "lib/mfa/actions.ts#regenerateRecoveryCodesAction": { scope: "user", success: 200, build: async (s) => ({ body: { code: await mfaCodeFor(s.caller) } }) },
  "lib/mfa/actions.ts#disableMfaAction": {
    scope: "user",
    success: 200,
    build: async (s) => {
      await releaseMfaRequirement(s.caller);
      return { body: { code: await mfaCodeFor(s.caller) } };
    },
  },
  "lib/members/actions.ts#acceptInvitationAction": {
    scope: "user",
    success: 200,
    build: async (s) => ({ body: { token: await makeInvitationFor(s.caller) } }),
  },
};
