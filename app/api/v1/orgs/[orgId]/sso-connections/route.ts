import { withOrg } from "@/lib/security/route";
import { createConnection, listConnections } from "@/lib/sso/connections";
import { connectionDto, connectionListDto, createConnectionInput } from "@/lib/sso/schemas";

export const GET = withOrg({ permission: "sso.manage", response: connectionListDto }, async (ctx) => ({ data: await listConnections(ctx) }));

/** OIDC: the issuer is discovered and the client secret sealed before anything is stored. SAML: metadata or the three fields. */
export const POST = withOrg({ permission: "sso.manage", body: createConnectionInput, response: connectionDto, status: 201 }, (ctx, { body }) =>
  createConnection(ctx, body),
);
