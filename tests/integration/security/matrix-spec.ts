import { randomUUID } from "node:crypto";
import type { Permission } from "@/lib/security/permissions";
import type { Tenant, TestUser } from "../../support/fixtures";
import { makeInvitationFor } from "./matrix-helpers";

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
}

export interface Built {
  params?: Record<string, string>;
  body?: unknown;
}

export type Door =
  | { scope: "org"; permission: Permission; success: number; hasResource?: boolean; build: (s: Scenario) => Built | Promise<Built> }
  | { scope: "user"; success: number; build: (s: Scenario) => Built | Promise<Built> }
  | { scope: "public"; success: number; build?: (s: Scenario) => Built };

const fresh = (label: string) => `${label} ${randomUUID().slice(0, 6)}`;
const orgParams = (s: Scenario) => ({ orgId: s.target.org.id });

export const ROUTES: Record<string, Door | { scope: "auth" }> = {
  "GET /api/health": { scope: "public", success: 200 },
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
  "GET /api/v1/orgs/[orgId]": { scope: "org", permission: "org.read", success: 200, build: (s) => ({ params: orgParams(s) }) },
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
};

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
  "lib/members/actions.ts#acceptInvitationAction": {
    scope: "user",
    success: 200,
    build: async (s) => ({ body: { token: await makeInvitationFor(s.caller) } }),
  },
};
