import { z } from "zod";
import { revokeInvitation } from "@/lib/members/invitations";
import { withOrg } from "@/lib/security/route";

export const DELETE = withOrg({ permission: "members.invite", params: z.object({ invitationId: z.uuid() }), status: 204 }, (ctx, { params }) =>
  revokeInvitation(ctx, params.invitationId),
);
