import { withOrg } from "@/lib/security/route";
import { verifyDomain } from "@/lib/sso/domains";
import { domainDto, domainParams } from "@/lib/sso/schemas";

/** Look the TXT record up now. */
export const POST = withOrg({ permission: "sso.manage", params: domainParams, response: domainDto }, (ctx, { params }) => verifyDomain(ctx, params.domainId));
