import { createScimTokenInput, scimTokenListDto, scimTokenWithSecretDto } from "@/lib/scim/schemas";
import { createScimToken, listScimTokens } from "@/lib/scim/tokens";
import { withOrg } from "@/lib/security/route";

export const GET = withOrg({ permission: "scim.manage", response: scimTokenListDto }, async (ctx) => ({ data: await listScimTokens(ctx.orgId) }));

/** The answer is the only time the token is shown; only its hash is stored. */
export const POST = withOrg(
  { permission: "scim.manage", body: createScimTokenInput, response: scimTokenWithSecretDto, status: 201, rateLimit: "keyCreation" },
  (ctx, { body }) => createScimToken(ctx, body),
);
