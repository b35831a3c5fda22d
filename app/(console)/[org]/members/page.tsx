import type { Metadata } from "next";
import { env } from "@/lib/env";
import { listInvitations } from "@/lib/members/invitations";
import { listMembers } from "@/lib/members/service";
import { orgPage } from "@/lib/security/page";
import { canManageRole, ROLES } from "@/lib/security/permissions";
import { formatDate, formatDateTime } from "@/components/format";
import { PageHeader } from "@/components/shell/page-header";
import { InvitationsTable } from "./invitations-table";
import { InviteForm } from "./invite-form";
import { MembersTable } from "./members-table";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const ctx = await orgPage(org, "members.read");
  const [members, invitations] = await Promise.all([listMembers(ctx.orgId), listInvitations(ctx.orgId)]);

  const grantable = ROLES.filter((role) => canManageRole(ctx.role, role));
  const canInvite = ctx.permissions.has("members.invite") && grantable.length > 0;
  const canManage = ctx.permissions.has("members.manage");
  // The last owner can be neither demoted nor removed; the service refuses it too.
  const soleOwner = members.filter((m) => m.role === "OWNER").length === 1;

  return (
    <>
      <PageHeader
        title="Members"
        description="People with access to this organisation and what their role lets them do. Changes apply on their next request."
      />
      <div className="space-y-6">
        {canInvite ? <InviteForm orgId={ctx.orgId} grantableRoles={grantable} ttlHours={env().INVITATION_TTL_HOURS} /> : null}
        <MembersTable
          orgId={ctx.orgId}
          canManage={canManage}
          grantableRoles={grantable}
          members={members.map((m) => ({
            id: m.id,
            email: m.email,
            name: m.name,
            role: m.role,
            suspended: m.status === "SUSPENDED",
            joinedAt: m.createdAt.toISOString(),
            joined: formatDate(m.createdAt),
            isMe: m.userId === ctx.principal.userId,
            manageable: canManage && canManageRole(ctx.role, m.role),
            lastOwner: soleOwner && m.role === "OWNER",
          }))}
        />
        <InvitationsTable
          orgId={ctx.orgId}
          canRevoke={canInvite}
          invitations={invitations.map((i) => ({
            id: i.id,
            email: i.email,
            role: i.role,
            invitedBy: i.invitedBy,
            expiresAt: i.expiresAt.toISOString(),
            expires: formatDateTime(i.expiresAt),
            revocable: canInvite && canManageRole(ctx.role, i.role),
          }))}
        />
      </div>
    </>
  );
}
