import { z } from "zod";
import { memberDto, role } from "@/lib/members/schemas";
import { changeRole, removeMember } from "@/lib/members/service";
import { withOrg } from "@/lib/security/route";

const params = z.object({ memberId: z.uuid() });

export const PATCH = withOrg(
  { permission: "members.manage", params, body: z.object({ role }), response: memberDto.pick({ id: true, userId: true, email: true, role: true }) },
  (ctx, { params, body }) => changeRole(ctx, params.memberId, body.role),
);

export const DELETE = withOrg({ permission: "members.manage", params, status: 204 }, (ctx, { params }) => removeMember(ctx, params.memberId));
