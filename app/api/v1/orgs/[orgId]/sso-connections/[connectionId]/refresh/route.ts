import { withOrg } from "@/lib/security/route";
import { refreshDiscovery } from "@/lib/sso/connections";
import { connectionDto, connectionParams } from "@/lib/sso/schemas";

/** Fetch the issuer's discovery document again. */
export const POST = withOrg({ permission: "sso.manage", params: connectionParams, response: connectionDto }, (ctx, { params }) =>
  refreshDiscovery(ctx, params.connectionId),
);
