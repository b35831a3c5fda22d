"use client";

import { createColumnHelper } from "@tanstack/react-table";
import { useMemo, useState } from "react";
import { setScimGroupRoleAction } from "@/lib/scim/actions";
import { SCIM_ROLES, type ScimRole } from "@/lib/scim/schemas";
import { DataTable } from "@/components/data-table/data-table";
import { FormError } from "@/components/forms/form-error";
import { useActionCall } from "@/components/forms/use-action-call";
import { formatDateTime } from "@/components/format";
import { ROLE_LABELS } from "@/components/roles";
import { Alert } from "@/components/ui/alert";
import { Card, CardHeader } from "@/components/ui/card";
import { Select } from "@/components/ui/select";
import type { ScimGroupRow } from "./scim-draft";

const column = createColumnHelper<ScimGroupRow>();

/** The groups the identity provider pushed, each with the role it maps its members to (or none). */
export function ScimGroupsSection({ orgId, groups }: { orgId: string; groups: ScimGroupRow[] }) {
  const [notice, setNotice] = useState<string | null>(null);
  const columns = useMemo(
    () => [
      column.accessor("displayName", { header: "Group", sortingFn: "text", meta: { rowHeader: true, className: "min-w-36 max-w-72 break-words" } }),
      column.accessor("members", { header: "Members", cell: (info) => info.getValue().toLocaleString("en") }),
      column.accessor("updatedAt", {
        header: "Updated",
        cell: (info) => (
          <time dateTime={info.getValue()} className="whitespace-nowrap">
            {formatDateTime(info.getValue())}
          </time>
        ),
      }),
      column.display({
        id: "role",
        header: "Maps to role",
        cell: (info) => <GroupRoleSelect orgId={orgId} group={info.row.original} onChanged={setNotice} />,
      }),
    ],
    [orgId],
  );
  return (
    <Card aria-labelledby="scim-groups-title">
      <CardHeader
        titleId="scim-groups-title"
        title="Group mapping"
        description="A member's role is the highest role among their mapped groups; with none, the default role. Groups without a role change nobody's role. Owners are never changed."
      />
      {notice ? (
        <div className="border-b border-zinc-100 px-5 py-3">
          <Alert tone="success">{notice}</Alert>
        </div>
      ) : null}
      <DataTable
        label="SCIM groups"
        columns={columns}
        data={groups}
        getRowId={(row) => row.id}
        initialSorting={[{ id: "displayName", desc: false }]}
        empty={
          <div className="mx-auto max-w-md space-y-1.5">
            <p className="font-medium text-zinc-800">No groups pushed yet</p>
            <p>Push groups from your identity provider (Okta: Push Groups; Entra ID: assign groups to the app), then map them to roles here.</p>
          </div>
        }
      />
    </Card>
  );
}

function GroupRoleSelect({ orgId, group, onChanged }: { orgId: string; group: ScimGroupRow; onChanged: (text: string) => void }) {
  const { pending, run, failure } = useActionCall(setScimGroupRoleAction, {
    onSuccess: (updated) => onChanged(updated.role ? `${updated.displayName} now maps to ${ROLE_LABELS[updated.role]}; its members' roles follow.` : `${updated.displayName} maps to no role.`),
  });
  return (
    <div className="space-y-1">
      <Select
        aria-label={`Role for ${group.displayName}`}
        value={group.role ?? ""}
        disabled={pending}
        onChange={(event) => run({ orgId, groupId: group.id, role: event.target.value === "" ? null : (event.target.value as ScimRole) })}
        className="w-40"
      >
        <option value="">No role</option>
        {SCIM_ROLES.map((role) => (
          <option key={role} value={role}>
            {ROLE_LABELS[role]}
          </option>
        ))}
      </Select>
      <FormError failure={failure} />
    </div>
  );
}
