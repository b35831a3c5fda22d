"use client";

import { createColumnHelper } from "@tanstack/react-table";
import { useMemo } from "react";
import { revokeInvitationAction } from "@/lib/members/actions";
import type { Role } from "@/lib/security/permissions";
import { DataTable } from "@/components/data-table/data-table";
import { RoleBadge } from "@/components/roles";
import { Card, CardHeader } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

export interface InvitationRow {
  id: string;
  email: string;
  role: Role;
  invitedBy: string | null;
  expiresAt: string;
  expires: string;
  revocable: boolean;
}

const column = createColumnHelper<InvitationRow>();

export function InvitationsTable({ orgId, canRevoke, invitations }: { orgId: string; canRevoke: boolean; invitations: InvitationRow[] }) {
  const columns = useMemo(
    () => [
      column.accessor("email", { header: "Email", meta: { rowHeader: true, className: "min-w-56 break-words" } }),
      column.accessor("role", { header: "Role", cell: (info) => <RoleBadge role={info.getValue()} />, meta: { className: "w-28" } }),
      column.accessor("invitedBy", {
        header: "Invited by",
        cell: (info) => info.getValue() ?? <span className="text-zinc-400">—</span>,
      }),
      column.accessor("expiresAt", {
        header: "Expires",
        cell: (info) => <time dateTime={info.getValue()}>{info.row.original.expires}</time>,
        meta: { className: "w-52 whitespace-nowrap text-zinc-500" },
      }),
      ...(canRevoke
        ? [
            column.display({
              id: "actions",
              header: () => <span className="sr-only">Actions</span>,
              cell: (info) => {
                const invitation = info.row.original;
                return (
                  <ConfirmDialog
                    trigger={{
                      label: "Revoke",
                      ariaLabel: `Revoke ${invitation.email}`,
                      variant: "ghost",
                      disabled: !invitation.revocable,
                      title: invitation.revocable ? undefined : "Your role cannot revoke this invitation",
                    }}
                    title={`Revoke the invitation for ${invitation.email}?`}
                    description="The invitation link stops working immediately. You can invite them again later."
                    confirmLabel="Revoke invitation"
                    action={revokeInvitationAction}
                    fields={{ orgId, invitationId: invitation.id }}
                  />
                );
              },
              meta: { align: "right" as const, className: "w-28" },
            }),
          ]
        : []),
    ],
    [canRevoke, orgId],
  );

  return (
    <Card aria-labelledby="invitations-title">
      <CardHeader
        titleId="invitations-title"
        title="Pending invitations"
        description="Invitations not yet accepted. Each link works once and expires on its own."
      />
      <DataTable
        label="Pending invitations"
        columns={columns}
        data={invitations}
        getRowId={(row) => row.id}
        initialSorting={[{ id: "expiresAt", desc: true }]}
        empty="No pending invitations."
      />
    </Card>
  );
}
