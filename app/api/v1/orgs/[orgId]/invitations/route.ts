import { z } from "zod";
import { inviteMember, listInvitations } from "@/lib/members/invitations";
import { inviteUrl } from "@/lib/members/invite-url";
import { createdInvitationDto, invitationDto, inviteInput } from "@/lib/members/schemas";
import { withOrg } from "@/lib/security/route";

export const GET = withOrg({ permission: "members.read", response: z.object({ data: z.array(invitationDto) }) }, async (ctx) => ({
  data: await listInvitations(ctx.orgId),
}));

/** Invite by email. The response carries the invitation link once; only its hash is stored. */
export const POST = withOrg(
  { permission: "members.invite", body: inviteInput, response: createdInvitationDto, status: 201 },
  async (ctx, { body, req }) => {
    const invitation = await inviteMember(ctx, body);
    return { ...invitation, inviteUrl: inviteUrl(req.headers, invitation.token) };
  },
);
