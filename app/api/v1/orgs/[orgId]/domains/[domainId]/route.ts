import { withOrg } from "@/lib/security/route";
import { removeDomain } from "@/lib/sso/domains";
import { domainParams } from "@/lib/sso/schemas";

/** Release a domain (verified or not). */
export const DELETE = withOrg({ permission: "sso.manage", params: domainParams, status: 204 }, (ctx, { params }) => removeDomain(ctx, params.domainId));
