import { z } from "zod";
import { memberDto } from "@/lib/members/schemas";
import { listMembers } from "@/lib/members/service";
import { withOrg } from "@/lib/security/route";

export const GET = withOrg({ permission: "members.read", response: z.object({ data: z.array(memberDto) }) }, async (ctx) => ({
  data: await listMembers(ctx.orgId),
}));
