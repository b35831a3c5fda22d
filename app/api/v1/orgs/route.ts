import { z } from "zod";
import { createOrg, listOrgsForUser } from "@/lib/orgs/service";
import { createOrgInput, myOrgDto, orgDto } from "@/lib/orgs/schemas";
import { withUser } from "@/lib/security/route";

/** The orgs the caller belongs to. */
export const GET = withUser({ response: z.object({ data: z.array(myOrgDto) }) }, async (ctx) => ({
  data: await listOrgsForUser(ctx.principal.userId),
}));

/** Create an org; the caller becomes its OWNER. */
export const POST = withUser({ body: createOrgInput, response: orgDto, status: 201 }, (ctx, { body }) => createOrg(ctx, body));
