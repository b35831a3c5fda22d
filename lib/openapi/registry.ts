import { z } from "zod";
import { apiKeyDto, apiKeyListDto, apiKeyParams, apiKeyWithSecretDto, createApiKeyInput, rotateApiKeyInput, updateApiKeyInput } from "@/lib/api-keys/schemas";
import { acceptInvitationInput, createdInvitationDto, invitationDto, inviteInput, memberDto, role } from "@/lib/members/schemas";
import { createOrgInput, myOrgDto, orgDto, updateOrgInput } from "@/lib/orgs/schemas";
import { createProjectInput, projectDto, projectParams, renameProjectInput } from "@/lib/projects/schemas";
import { ROLES } from "@/lib/security/permissions";
import { GATEWAY_ROUTES } from "./gateway-routes";
import { SETTINGS_ROUTES } from "./settings-routes";
import { AUDIT_ROUTES } from "./audit-routes";
import { VAULT_ROUTES } from "./vault-routes";
import { SSO_ROUTES } from "./sso-routes";
import { SCIM_ROUTES } from "./scim-routes";
import { defineRoute, type RouteEntry } from "./route-spec";
import { openApiDocumentShape } from "./shapes";

/**
 * Every route handler under app/api/v1 (the SDK endpoints are in
 * gateway-routes.ts, the settings routes in settings-routes.ts, the audit log
 * in audit-routes.ts, the provider-key vault in vault-routes.ts), with the
 * schemas its route file uses, imported from
 * their domain modules. A unit test walks app/api/v1 and fails when a handler
 * is missing here or an entry has no handler, and checks each entry's door,
 * permission or scope, status, rate limit and named schemas against its route file.
 *
 * A few route files build their response from domain schemas in place (list
 * envelopes, /me, accepting an invitation); the same expressions stand here.
 */
export const TAGS = [
  { name: "Gateway", description: "OpenAI-compatible SDK endpoints, called with a project API key." },
  { name: "Account", description: "The signed-in user: their orgs, creating an org, accepting an invitation." },
  { name: "Organisations", description: "One organisation." },
  { name: "Projects", description: "Projects of an organisation." },
  { name: "Members", description: "Members and their roles." },
  { name: "Invitations", description: "Invitations by email." },
  { name: "API keys", description: "Project API keys: create, restrict, rotate, revoke. Reachable with a management-scoped key as well as a session." },
  { name: "Settings", description: "Security and data-handling settings of an org, and a project's overrides." },
  { name: "Provider keys", description: "The org's vaulted provider keys (the org's own or a project's), the master-key status and re-wrap. Sessions only: API keys are refused whatever their scopes; no answer carries a provider key." },
  { name: "Audit log", description: "An org's audit events: read, verify the hash chain, export." },
  { name: "Single sign-on", description: "An org's verified email domains and SSO connections (OIDC, SAML). Sessions only, ADMIN and OWNER; no answer carries a client secret." },
  { name: "SCIM", description: "The org's SCIM tokens, which identity providers send to /scim/v2 (SCIM 2.0, outside this document). Sessions only, ADMIN and OWNER." },
  { name: "Meta", description: "This document." },
] as const;

const dataOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item) });

const meDto = z.object({
  user: z.object({ id: z.uuid(), email: z.string(), name: z.string().nullable() }),
  orgs: z.array(myOrgDto),
});
const acceptedDto = z.object({ orgId: z.uuid(), orgSlug: z.string(), role: z.enum(ROLES) });
const memberParams = z.object({ memberId: z.uuid() });
const invitationParams = z.object({ invitationId: z.uuid() });

const API_KEY_PATH = "/api/v1/orgs/{orgId}/projects/{projectId}/api-keys";

export const ROUTES: readonly RouteEntry[] = [
  ...GATEWAY_ROUTES,
  defineRoute({
    method: "GET",
    path: "/api/v1/openapi.json",
    operationId: "getOpenApiDocument",
    summary: "This OpenAPI 3.1 document",
    tags: ["Meta"],
    door: "withPublic",
    response: openApiDocumentShape,
  }),
  defineRoute({ method: "GET", path: "/api/v1/me", operationId: "getMe", summary: "The signed-in user and their orgs", tags: ["Account"], door: "withUser", response: meDto }),
  defineRoute({ method: "GET", path: "/api/v1/orgs", operationId: "listMyOrgs", summary: "The orgs the caller belongs to", tags: ["Account"], door: "withUser", response: dataOf(myOrgDto) }),
  defineRoute({
    method: "POST",
    path: "/api/v1/orgs",
    operationId: "createOrg",
    summary: "Create an org",
    description: "The caller becomes its OWNER. Only for emails whose domain the deployment allows (`ALLOWED_SIGNUP_DOMAINS`, empty = anyone).",
    tags: ["Account"],
    door: "withUser",
    body: createOrgInput,
    response: orgDto,
    status: 201,
    errors: ["signup_domain_not_allowed"],
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/invitations/accept",
    operationId: "acceptInvitation",
    summary: "Accept an invitation",
    description: "Single use, and only when signed in with the invited email (and, if the org has one, within its email-domain allowlist).",
    tags: ["Account"],
    door: "withUser",
    body: acceptInvitationInput,
    response: acceptedDto,
    errors: ["invitation_invalid", "invitation_email_mismatch", "email_domain_not_allowed", "already_member"],
  }),
  defineRoute({ method: "GET", path: "/api/v1/orgs/{orgId}", operationId: "getOrg", summary: "Get the org", tags: ["Organisations"], door: "withOrgOrKey", permission: "org.read", response: orgDto }),
  defineRoute({ method: "PATCH", path: "/api/v1/orgs/{orgId}", operationId: "renameOrg", summary: "Rename the org", tags: ["Organisations"], door: "withOrg", permission: "org.update", body: updateOrgInput, response: orgDto }),
  defineRoute({
    method: "DELETE",
    path: "/api/v1/orgs/{orgId}",
    operationId: "deleteOrg",
    summary: "Delete the org",
    description: "A soft delete: the org disappears for everyone at once, pending invitations are revoked, the audit log is kept.",
    tags: ["Organisations"],
    door: "withOrg",
    permission: "org.delete",
    status: 204,
  }),
  defineRoute({ method: "GET", path: "/api/v1/orgs/{orgId}/projects", operationId: "listProjects", summary: "List projects", tags: ["Projects"], door: "withOrg", permission: "projects.read", response: dataOf(projectDto) }),
  defineRoute({
    method: "POST",
    path: "/api/v1/orgs/{orgId}/projects",
    operationId: "createProject",
    summary: "Create a project",
    tags: ["Projects"],
    door: "withOrg",
    permission: "projects.write",
    body: createProjectInput,
    response: projectDto,
    status: 201,
    errors: ["conflict"],
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/orgs/{orgId}/projects/{projectId}",
    operationId: "getProject",
    summary: "Get a project",
    tags: ["Projects"],
    door: "withOrgOrKey",
    permission: "projects.read",
    params: projectParams,
    response: projectDto,
  }),
  defineRoute({
    method: "PATCH",
    path: "/api/v1/orgs/{orgId}/projects/{projectId}",
    operationId: "renameProject",
    summary: "Rename a project",
    tags: ["Projects"],
    door: "withOrg",
    permission: "projects.write",
    params: projectParams,
    body: renameProjectInput,
    response: projectDto,
    errors: ["conflict"],
  }),
  defineRoute({
    method: "DELETE",
    path: "/api/v1/orgs/{orgId}/projects/{projectId}",
    operationId: "deleteProject",
    summary: "Delete a project",
    tags: ["Projects"],
    door: "withOrg",
    permission: "projects.write",
    params: projectParams,
    status: 204,
  }),
  defineRoute({ method: "GET", path: "/api/v1/orgs/{orgId}/members", operationId: "listMembers", summary: "List members", tags: ["Members"], door: "withOrg", permission: "members.read", response: dataOf(memberDto) }),
  defineRoute({
    method: "PATCH",
    path: "/api/v1/orgs/{orgId}/members/{memberId}",
    operationId: "changeMemberRole",
    summary: "Change a member's role",
    description: "Owners are managed only by owners; nobody grants a role above their own; the last owner cannot be demoted.",
    tags: ["Members"],
    door: "withOrg",
    permission: "members.manage",
    params: memberParams,
    body: z.object({ role }),
    response: memberDto.pick({ id: true, userId: true, email: true, role: true }),
    errors: ["role_not_allowed", "last_owner"],
  }),
  defineRoute({
    method: "DELETE",
    path: "/api/v1/orgs/{orgId}/members/{memberId}",
    operationId: "removeMember",
    summary: "Remove a member",
    tags: ["Members"],
    door: "withOrg",
    permission: "members.manage",
    params: memberParams,
    status: 204,
    errors: ["role_not_allowed", "last_owner"],
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/orgs/{orgId}/invitations",
    operationId: "listInvitations",
    summary: "List pending invitations",
    tags: ["Invitations"],
    door: "withOrg",
    permission: "members.read",
    response: dataOf(invitationDto),
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/orgs/{orgId}/invitations",
    operationId: "inviteMember",
    summary: "Invite by email",
    description:
      "The answer carries the invitation link once (`inviteUrl`); only its hash is stored. With mail configured the link is also emailed (`emailSent`, else `emailError`). A pending invitation for the same email is replaced.",
    tags: ["Invitations"],
    door: "withOrg",
    permission: "members.invite",
    body: inviteInput,
    response: createdInvitationDto,
    status: 201,
    errors: ["role_not_allowed", "email_domain_not_allowed", "already_member"],
  }),
  defineRoute({
    method: "DELETE",
    path: "/api/v1/orgs/{orgId}/invitations/{invitationId}",
    operationId: "revokeInvitation",
    summary: "Revoke an invitation",
    tags: ["Invitations"],
    door: "withOrg",
    permission: "members.invite",
    params: invitationParams,
    status: 204,
    errors: ["role_not_allowed"],
  }),
  defineRoute({
    method: "GET",
    path: API_KEY_PATH,
    operationId: "listApiKeys",
    summary: "List a project's API keys",
    description: "Never their secrets: `prefix` and `last4` identify a key.",
    tags: ["API keys"],
    door: "withOrgOrKey",
    permission: "api_keys.read",
    params: projectParams,
    response: apiKeyListDto,
  }),
  defineRoute({
    method: "POST",
    path: API_KEY_PATH,
    operationId: "createApiKey",
    summary: "Create an API key",
    description: "The answer is the only time `secret` is ever shown. A key's scopes may grant no permission its creator lacks (`scope_not_allowed`).",
    tags: ["API keys"],
    door: "withOrgOrKey",
    permission: "api_keys.create",
    params: projectParams,
    body: createApiKeyInput,
    response: apiKeyWithSecretDto,
    status: 201,
    rateLimit: "keyCreation",
    errors: ["scope_not_allowed"],
  }),
  defineRoute({
    method: "GET",
    path: `${API_KEY_PATH}/{keyId}`,
    operationId: "getApiKey",
    summary: "Get an API key",
    tags: ["API keys"],
    door: "withOrgOrKey",
    permission: "api_keys.read",
    params: apiKeyParams,
    response: apiKeyDto,
  }),
  defineRoute({
    method: "PATCH",
    path: `${API_KEY_PATH}/{keyId}`,
    operationId: "updateApiKey",
    summary: "Change an API key's name, scopes or restrictions",
    description:
      "Name, description, scopes, expiry, IP allowlist, allowed origins, rate limit; `null` clears the nullable ones. Takes effect at once on this instance and within 5 seconds on the others. A revoked key cannot be changed (`conflict`).",
    tags: ["API keys"],
    door: "withOrgOrKey",
    permission: "api_keys.manage",
    params: apiKeyParams,
    body: updateApiKeyInput,
    response: apiKeyDto,
    errors: ["scope_not_allowed", "conflict"],
  }),
  defineRoute({
    method: "DELETE",
    path: `${API_KEY_PATH}/{keyId}`,
    operationId: "revokeApiKey",
    summary: "Revoke an API key",
    description: "The key and every secret it has stop working: at once on this instance, within 5 seconds on the others. Answers with the revoked key; revoking twice changes nothing.",
    tags: ["API keys"],
    door: "withOrgOrKey",
    permission: "api_keys.manage",
    params: apiKeyParams,
    response: apiKeyDto,
  }),
  defineRoute({
    method: "POST",
    path: `${API_KEY_PATH}/{keyId}/rotate`,
    operationId: "rotateApiKey",
    summary: "Rotate an API key's secret",
    description:
      "A new secret for the same key, shown once. Every replaced secret keeps working until the end of its own grace window, but never past this rotation's (`graceSeconds`, default 86400, at most 604800); 0 ends all older secrets now. After the window they answer `api_key_rotated`.",
    tags: ["API keys"],
    door: "withOrgOrKey",
    permission: "api_keys.manage",
    params: apiKeyParams,
    body: rotateApiKeyInput,
    response: apiKeyWithSecretDto,
    rateLimit: "keyCreation",
    errors: ["conflict"],
  }),
  ...SETTINGS_ROUTES,
  ...VAULT_ROUTES,
  ...AUDIT_ROUTES,
  ...SSO_ROUTES,
  ...SCIM_ROUTES,
];
