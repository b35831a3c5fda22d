"use server";

import { headers } from "next/headers";
import { orgAction, userAction } from "@/lib/security/org-action";
import { acceptInvitation, emailInvitation, inviteMember, revokeInvitation } from "./invitations";
import { inviteUrl } from "./invite-url";
import { acceptInvitationInput, changeRoleInput, inviteInput, removeMemberInput, revokeInvitationInput } from "./schemas";
import { changeRole, removeMember } from "./service";

/**
 * Returns the invitation link once, for the inviter to copy, and whether it was
 * also emailed to the invitee (only when mail is configured; sent after commit).
 */
export const inviteMemberAction = orgAction(inviteInput, { permission: "members.invite" }, async (ctx, input) => {
  const invitation = await inviteMember(ctx, input);
  const link = inviteUrl(await headers(), invitation.token);
  return { email: invitation.email, role: invitation.role, inviteUrl: link, ...(await emailInvitation(ctx, invitation, link)) };
});

export const revokeInvitationAction = orgAction(revokeInvitationInput, { permission: "members.invite" }, async (ctx, input) => {
  await revokeInvitation(ctx, input.invitationId);
  return null;
});

export const changeRoleAction = orgAction(changeRoleInput, { permission: "members.manage" }, async (ctx, input) => {
  const member = await changeRole(ctx, input.memberId, input.role);
  return { role: member.role };
});

export const removeMemberAction = orgAction(removeMemberInput, { permission: "members.manage" }, async (ctx, input) => {
  await removeMember(ctx, input.memberId);
  return null;
});

export const acceptInvitationAction = userAction(acceptInvitationInput, {}, (ctx, input) => acceptInvitation(ctx, input.token));
