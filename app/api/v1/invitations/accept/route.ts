import { z } from "zod";
import { acceptInvitation } from "@/lib/members/invitations";
import { acceptInvitationInput } from "@/lib/members/schemas";
import { ROLES } from "@/lib/security/permissions";
import { withUser } from "@/lib/security/route";

export const POST = withUser(
  { body: acceptInvitationInput, response: z.object({ orgId: z.uuid(), orgSlug: z.string(), role: z.enum(ROLES) }) },
  (ctx, { body }) => acceptInvitation(ctx, body.token),
);
