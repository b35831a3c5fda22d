import { deleteOrg, getOrg, renameOrg } from "@/lib/orgs/service";
import { orgDto, updateOrgInput } from "@/lib/orgs/schemas";
import { withOrg, withOrgOrKey } from "@/lib/security/route";

export const GET = withOrgOrKey({ permission: "org.read", response: orgDto }, (ctx) => getOrg(ctx.orgId));

export const PATCH = withOrg({ permission: "org.update", body: updateOrgInput, response: orgDto }, (ctx, { body }) => renameOrg(ctx, body));

export const DELETE = withOrg({ permission: "org.delete", status: 204 }, (ctx) => deleteOrg(ctx));
