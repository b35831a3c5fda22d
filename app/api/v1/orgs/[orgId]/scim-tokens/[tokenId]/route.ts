import { scimTokenDto, scimTokenParams } from "@/lib/scim/schemas";
import { revokeScimToken } from "@/lib/scim/tokens";
import { withOrg } from "@/lib/security/route";

/** Revoke: the token's next SCIM request answers 401. */
export const DELETE = withOrg({ permission: "scim.manage", params: scimTokenParams, response: scimTokenDto }, (ctx, { params }) => revokeScimToken(ctx, params.tokenId));
