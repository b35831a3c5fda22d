import { z } from "zod";
import { emailInvitation, inviteMember, listInvitations } from "@/lib/members/invitations";
import { inviteUrl } from "@/lib/members/invite-url";
import { createdInvitationDto, invitationDto, inviteInput } from "@/lib/members/schemas";
import { withOrg } from "@/lib/security/route";

export const GET = withOrg({ permission: "members.read", response: z.object({ data: z.array(invitationDto) }) }, async (ctx) => ({
  data: await listInvitations(ctx.orgId),
}));

/**
 * Invite by email. The response carries the invitation link once; only its hash
 * is stored. With mail configured the link is also emailed, after the
 * invitation has committed; a failed send leaves the invitation in place.
 */
export const POST = withOrg(
  { permission: "members.invite", body: inviteInput, response: createdInvitationDto, status: 201 },
  async (ctx, { body, req }) => {
    const invitation = await inviteMember(ctx, body);
    const link = inviteUrl(req.headers, invitation.token);
    return { ...invitation, inviteUrl: link, ...(await emailInvitation(ctx, invitation, link)) };
  },
);
