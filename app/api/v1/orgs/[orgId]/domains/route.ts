import { withOrg } from "@/lib/security/route";
import { addDomain, listDomains } from "@/lib/sso/domains";
import { addDomainInput, domainDto, domainListDto } from "@/lib/sso/schemas";

export const GET = withOrg({ permission: "sso.manage", response: domainListDto }, async (ctx) => ({ data: await listDomains(ctx) }));

/** Claim a domain: answers the TXT record to publish. */
export const POST = withOrg({ permission: "sso.manage", body: addDomainInput, response: domainDto, status: 201 }, (ctx, { body }) => addDomain(ctx, body));
