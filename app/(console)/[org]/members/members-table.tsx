"use client";

import { createColumnHelper } from "@tanstack/react-table";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { removeMemberAction } from "@/lib/members/actions";
import { ROLE_RANK, type Role } from "@/lib/security/permissions";
import { DataTable } from "@/components/data-table/data-table";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { RoleSelect } from "./role-select";

export interface MemberRow {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  /** Deprovisioned through SCIM: no access until the identity provider reactivates them. */
  suspended: boolean;
  joinedAt: string;
  joined: string;
  isMe: boolean;
  manageable: boolean;
  /** The organisation's only owner: cannot be demoted or removed. */
  lastOwner: boolean;
}

type Notice = { ok: boolean; text: string } | null;

const column = createColumnHelper<MemberRow>();

function RemoveMember({ orgId, member, onRemoved }: { orgId: string; member: MemberRow; onRemoved: () => void }) {
  const router = useRouter();
  return (
    <ConfirmDialog
      trigger={{
        label: "Remove",
        ariaLabel: `Remove ${member.email}`,
        variant: "ghost",
        disabled: !member.manageable || member.lastOwner,
        title: member.lastOwner ? "The only owner cannot be removed" : member.manageable ? undefined : "Your role cannot remove this member",
      }}
      title={member.isMe ? "Leave this organisation?" : `Remove ${member.email}?`}
      description={
        member.isMe
          ? "You will lose access to this organisation immediately. Only another member can invite you back."
          : "They lose access to this organisation immediately. Their past activity stays in the audit log."
      }
      confirmLabel={member.isMe ? "Leave organisation" : "Remove member"}
      action={removeMemberAction}
      fields={{ orgId, memberId: member.id }}
      refresh={!member.isMe}
      onSuccess={() => (member.isMe ? router.push("/") : onRemoved())}
    />
  );
}

export function MembersTable({
  orgId,
  canManage,
  grantableRoles,
  members,
}: {
  orgId: string;
  canManage: boolean;
  grantableRoles: Role[];
  members: MemberRow[];
}) {
  const [notice, setNotice] = useState<Notice>(null);
  const soleOwner = members.find((m) => m.lastOwner);

  const columns = useMemo(
    () => [
      column.accessor("email", {
        header: "Email",
        meta: { rowHeader: true, className: "min-w-56" },
        cell: (info) => (
          <span className="inline-flex flex-wrap items-center gap-x-2 gap-y-1">
            <span className="break-words">{info.getValue()}</span>
            {info.row.original.isMe ? <Badge>You</Badge> : null}
            {info.row.original.suspended ? <Badge tone="warning">Suspended (SCIM)</Badge> : null}
          </span>
        ),
      }),
      column.accessor("name", {
        header: "Name",
        cell: (info) => info.getValue() ?? <span className="text-zinc-400">—</span>,
      }),
      column.accessor("role", {
        header: "Role",
        sortingFn: (a, b) => ROLE_RANK[a.original.role] - ROLE_RANK[b.original.role],
        cell: (info) => (
          <RoleSelect
            key={`${info.row.original.id}:${info.getValue()}`}
            orgId={orgId}
            member={info.row.original}
            grantableRoles={grantableRoles}
            onResult={setNotice}
          />
        ),
        meta: { className: "w-48" },
      }),
      column.accessor("joinedAt", {
        header: "Joined",
        cell: (info) => <time dateTime={info.getValue()}>{info.row.original.joined}</time>,
        meta: { className: "w-32 whitespace-nowrap text-zinc-500" },
      }),
      ...(canManage
        ? [
            column.display({
              id: "actions",
              header: () => <span className="sr-only">Actions</span>,
              cell: (info) => (
                <RemoveMember orgId={orgId} member={info.row.original} onRemoved={() => setNotice({ ok: true, text: `${info.row.original.email} was removed.` })} />
              ),
              meta: { align: "right" as const, className: "w-28" },
            }),
          ]
        : []),
    ],
    [canManage, grantableRoles, orgId],
  );

  return (
    <Card aria-labelledby="members-title">
      <CardHeader
        titleId="members-title"
        title="Members"
        description={`${members.length} ${members.length === 1 ? "person has" : "people have"} access${canManage ? "" : " · your role cannot change roles or remove members"}`}
      />
      {canManage && soleOwner ? (
        <p className="border-b border-zinc-100 px-5 py-2.5 text-xs text-zinc-500">
          {soleOwner.isMe ? "You are" : `${soleOwner.email} is`} the only owner. Make someone else an owner before changing that role or removing
          {soleOwner.isMe ? " yourself" : " them"}.
        </p>
      ) : null}
      {notice ? (
        <div className="border-b border-zinc-100 px-5 py-3">
          <Alert tone={notice.ok ? "success" : "error"}>{notice.text}</Alert>
        </div>
      ) : null}
      <DataTable label="Members" columns={columns} data={members} getRowId={(row) => row.id} empty="No members." />
    </Card>
  );
}
