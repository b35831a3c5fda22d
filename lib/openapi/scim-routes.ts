import { createScimTokenInput, scimTokenDto, scimTokenListDto, scimTokenParams, scimTokenWithSecretDto } from "@/lib/scim/schemas";
import { defineRoute, type RouteEntry } from "./route-spec";

const PATH = "/api/v1/orgs/{orgId}/scim-tokens";

/**
 * The org's SCIM tokens (what an identity provider sends to /scim/v2, which
 * is SCIM 2.0 and not part of this document): sessions only, ADMIN and OWNER.
 */
export const SCIM_ROUTES: readonly RouteEntry[] = [
  defineRoute({
    method: "GET",
    path: PATH,
    operationId: "listScimTokens",
    summary: "List SCIM tokens",
    description: "Active and revoked tokens, newest first. Never a token itself: `prefix` and `last4` identify one. `lastUsedAt` is updated at most once a minute.",
    tags: ["SCIM"],
    door: "withOrg",
    permission: "scim.manage",
    response: scimTokenListDto,
  }),
  defineRoute({
    method: "POST",
    path: PATH,
    operationId: "createScimToken",
    summary: "Create a SCIM token",
    description:
      "The answer is the only time `token` (`ghscim_…`) is ever shown: only its SHA-256 is stored. Needs an MFA check within the last 10 minutes (`mfa_step_up_required`): a SCIM token provisions members and, through mapped groups, gives them roles. Paste it into the identity provider as the bearer token of the SCIM app, with the base URL `/scim/v2`. At most 10 active tokens per org (`conflict`). Audited as `scim.token.created` with the prefix and last four.",
    tags: ["SCIM"],
    door: "withOrg",
    permission: "scim.manage",
    body: createScimTokenInput,
    response: scimTokenWithSecretDto,
    status: 201,
    rateLimit: "keyCreation",
    errors: ["conflict", "mfa_step_up_required"],
  }),
  defineRoute({
    method: "DELETE",
    path: `${PATH}/{tokenId}`,
    operationId: "revokeScimToken",
    summary: "Revoke a SCIM token",
    description: "The token's next SCIM request answers 401. Answers with the revoked token; revoking twice changes nothing. Audited as `scim.token.revoked`.",
    tags: ["SCIM"],
    door: "withOrg",
    permission: "scim.manage",
    params: scimTokenParams,
    response: scimTokenDto,
  }),
];
