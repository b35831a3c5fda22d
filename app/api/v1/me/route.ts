import { z } from "zod";
import { listOrgsForUser } from "@/lib/orgs/service";
import { myOrgDto } from "@/lib/orgs/schemas";
import { withUser } from "@/lib/security/route";

const meDto = z.object({
  user: z.object({ id: z.uuid(), email: z.string(), name: z.string().nullable() }),
  orgs: z.array(myOrgDto),
});

/** The signed-in user and their orgs. */
export const GET = withUser({ response: meDto }, async (ctx) => ({
  user: { id: ctx.principal.userId, email: ctx.principal.email, name: ctx.principal.name },
  orgs: await listOrgsForUser(ctx.principal.userId),
}));
