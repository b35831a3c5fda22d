import { withOrg } from "@/lib/security/route";
import { deleteConnection, getConnection, updateConnection } from "@/lib/sso/connections";
import { connectionDto, connectionParams, updateConnectionInput } from "@/lib/sso/schemas";

export const GET = withOrg({ permission: "sso.manage", params: connectionParams, response: connectionDto }, (ctx, { params }) =>
  getConnection(ctx, params.connectionId),
);

export const PATCH = withOrg(
  { permission: "sso.manage", params: connectionParams, body: updateConnectionInput, response: connectionDto },
  (ctx, { params, body }) => updateConnection(ctx, params.connectionId, body),
);

export const DELETE = withOrg({ permission: "sso.manage", params: connectionParams, status: 204 }, (ctx, { params }) =>
  deleteConnection(ctx, params.connectionId),
);
