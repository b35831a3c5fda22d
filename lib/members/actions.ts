"use server";

import { headers } from "next/headers";
import { orgAction, userAction } from "@/lib/security/org-action";
import { acceptInvitation, inviteMember, revokeInvitation } from "./invitations";
import { inviteUrl } from "./invite-url";
import { acceptInvitationInput, changeRoleInput, inviteInput, removeMemberInput, revokeInvitationInput } from "./schemas";
import { changeRole, removeMember } from "./service";

/** Returns the invitation link once, for the inviter to copy (there is no mail server). */
export const inviteMemberAction = orgAction(inviteInput, { permission: "members.invite" }, async (ctx, input) => {
  const invitation = await inviteMember(ctx, input);
  return { email: invitation.email, role: invitation.role, inviteUrl: inviteUrl(await headers(), invitation.token) };
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
