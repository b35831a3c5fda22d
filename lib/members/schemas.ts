import { z } from "zod";
import { MAIL_FAILURES } from "@/lib/mail/failure";
import { emailAddress } from "@/lib/orgs/email-domains";
import { ROLES } from "@/lib/security/permissions";

export const role = z.enum(ROLES, { message: "Choose a role" });

export const inviteInput = z.object({ email: emailAddress, role });
export const changeRoleInput = z.object({ memberId: z.uuid(), role });
export const removeMemberInput = z.object({ memberId: z.uuid() });
export const revokeInvitationInput = z.object({ invitationId: z.uuid() });
export const acceptInvitationInput = z.object({ token: z.string().min(20).max(200) });

export const memberDto = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  email: z.string(),
  name: z.string().nullable(),
  role,
  /** SUSPENDED: deprovisioned through SCIM; no access to the org until reactivated. */
  status: z.enum(["ACTIVE", "SUSPENDED"]),
  createdAt: z.date().transform((d) => d.toISOString()),
});

export const invitationDto = z.object({
  id: z.uuid(),
  email: z.string(),
  role,
  expiresAt: z.date().transform((d) => d.toISOString()),
  createdAt: z.date().transform((d) => d.toISOString()),
  invitedBy: z.string().nullable(),
});

/**
 * Returned once, to the inviter: the link carries the only copy of the token.
 * `emailSent` says whether it was also emailed to the invitee; when not,
 * `emailError` says why (`not_configured` when there is no mail server).
 */
export const createdInvitationDto = invitationDto.extend({
  inviteUrl: z.url(),
  emailSent: z.boolean(),
  emailError: z.enum(MAIL_FAILURES).optional(),
});
