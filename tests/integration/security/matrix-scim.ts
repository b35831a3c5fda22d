import { randomUUID } from "node:crypto";
import { db } from "@/lib/db/client";
import type { Tenant } from "../../support/fixtures";
import { makeScimToken } from "../scim/support";
import { fresh } from "./matrix-helpers";
import type { Door, Scenario } from "./matrix-spec";

/**
 * SCIM in the isolation matrix: the /scim/v2 catch-all (only an org's SCIM
 * token passes; a foreign tenant's user answers 404), the token management
 * routes and the console actions of Settings → SCIM (scim.manage).
 */
const orgParams = (s: Scenario) => ({ orgId: s.target.org.id });
const inOrg = (s: Scenario, extra: Record<string, unknown> = {}) => ({ body: { orgId: s.target.org.id, ...extra } });

/** The resource tenant's extra VIEWER as a SCIM user: its id is the membership id. */
const scimUserPath = (s: Scenario) => `/scim/v2/Users/${s.resource.extraViewer.membership.id}`;
const scimPatch = { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: "Replace", path: "externalId", value: "matrix" }] };

/** A live SCIM token of the tenant, made for the case that probes it. */
const tokenOf = async (tenant: Tenant) => (await makeScimToken(tenant.org.id)).id;

/** A SCIM group of the tenant with its extra VIEWER in it. */
async function groupOf(tenant: Tenant): Promise<string> {
  const group = await db.scimGroup.create({
    data: { orgId: tenant.org.id, displayName: fresh("Group"), members: { create: { membershipId: tenant.extraViewer.membership.id } } },
  });
  return group.id;
}

export const SCIM_ROUTE_DOORS: Record<string, Door> = {
  "GET /scim/v2/[...path]": { scope: "scim", success: 200, hasResource: true, build: (s) => ({ path: scimUserPath(s) }) },
  "POST /scim/v2/[...path]": {
    scope: "scim",
    success: 201,
    build: () => ({ path: "/scim/v2/Users", body: { userName: `scim-${randomUUID().slice(0, 8)}@example.test`, active: true } }),
  },
  "PUT /scim/v2/[...path]": {
    scope: "scim",
    success: 200,
    hasResource: true,
    build: (s) => ({ path: scimUserPath(s), body: { userName: s.resource.extraViewer.user.email, externalId: "matrix", active: true } }),
  },
  "PATCH /scim/v2/[...path]": { scope: "scim", success: 200, hasResource: true, build: (s) => ({ path: scimUserPath(s), body: scimPatch }) },
  "DELETE /scim/v2/[...path]": { scope: "scim", success: 204, hasResource: true, build: (s) => ({ path: scimUserPath(s) }) },
  // Token management: sessions only, ADMIN and OWNER.
  "GET /api/v1/orgs/[orgId]/scim-tokens": { scope: "org", permission: "scim.manage", success: 200, build: (s) => ({ params: orgParams(s) }) },
  "POST /api/v1/orgs/[orgId]/scim-tokens": { scope: "org", permission: "scim.manage", success: 201, build: (s) => ({ params: orgParams(s), body: { name: fresh("Okta") } }) },
  "DELETE /api/v1/orgs/[orgId]/scim-tokens/[tokenId]": {
    scope: "org",
    permission: "scim.manage",
    success: 200,
    hasResource: true,
    build: async (s) => ({ params: { ...orgParams(s), tokenId: await tokenOf(s.resource) } }),
  },
};

export const SCIM_ACTION_DOORS: Record<string, Door> = {
  "lib/scim/actions.ts#createScimTokenAction": { scope: "org", permission: "scim.manage", success: 200, build: (s) => inOrg(s, { name: fresh("Entra") }) },
  "lib/scim/actions.ts#revokeScimTokenAction": {
    scope: "org",
    permission: "scim.manage",
    success: 200,
    hasResource: true,
    build: async (s) => inOrg(s, { tokenId: await tokenOf(s.resource), confirm: true }),
  },
  "lib/scim/actions.ts#updateScimSettingsAction": {
    scope: "org",
    permission: "scim.manage",
    success: 200,
    build: (s) => inOrg(s, { patch: { deprovisionKeyPolicy: "FLAG", scimDefaultRole: "DEVELOPER" } }),
  },
  "lib/scim/actions.ts#setScimGroupRoleAction": {
    scope: "org",
    permission: "scim.manage",
    success: 200,
    hasResource: true,
    build: async (s) => inOrg(s, { groupId: await groupOf(s.resource), role: "ADMIN" }),
  },
};
