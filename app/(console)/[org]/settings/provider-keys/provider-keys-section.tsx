"use client";

import { createColumnHelper } from "@tanstack/react-table";
import { useMemo, useState } from "react";
import { DataTable } from "@/components/data-table/data-table";
import { formatDate, formatDateTime } from "@/components/format";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { SwitchField } from "../setting-controls";
import { AddKeyDialog } from "./add-key-dialog";
import { PROVIDER_LABELS, scopeOf, type ProjectOption, type ProviderKeyRow } from "./key-draft";
import { RenameKeyDialog } from "./rename-key-dialog";
import { ReplaceKeyDialog } from "./replace-key-dialog";
import { RevokeKeyDialog } from "./revoke-key-dialog";

interface ProviderKeysSectionProps {
  orgId: string;
  keys: ProviderKeyRow[];
  projects: ProjectOption[];
  canManage: boolean;
}

const column = createColumnHelper<ProviderKeyRow>();

function EmptyState({ canManage, revokedHidden }: { canManage: boolean; revokedHidden: number }) {
  return (
    <div className="mx-auto max-w-md space-y-1.5">
      <p className="font-medium text-zinc-800">No provider keys in the vault</p>
      <p>
        A vaulted key lets the gateway call OpenAI or Anthropic without the caller sending a key. It is encrypted as soon as it is added and only its
        fingerprint and last four characters are ever shown.
      </p>
      {canManage ? <p>Add one with “Add provider key” above.</p> : null}
      {revokedHidden > 0 ? <p>{revokedHidden === 1 ? "One revoked key is hidden." : `${revokedHidden} revoked keys are hidden.`}</p> : null}
    </div>
  );
}

/** The org's vaulted provider keys: a table of fingerprints, never secrets, with add, replace, rename and revoke. */
export function ProviderKeysSection({ orgId, keys, projects, canManage }: ProviderKeysSectionProps) {
  const [showRevoked, setShowRevoked] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const columns = useMemo(
    () => [
      column.accessor("provider", { header: "Provider", sortingFn: "text", cell: (info) => PROVIDER_LABELS[info.getValue()] }),
      column.accessor("label", {
        header: "Label",
        sortingFn: "text",
        meta: { rowHeader: true, className: "min-w-32 max-w-56 break-words" },
      }),
      column.accessor((row) => scopeOf(row), {
        id: "scope",
        header: "Scope",
        sortingFn: "text",
        cell: (info) => (info.row.original.projectId ? info.getValue() : <Badge>Org-wide</Badge>),
      }),
      column.accessor("fingerprint", {
        header: "Fingerprint",
        enableSorting: false,
        cell: (info) => <code className="font-mono text-xs whitespace-nowrap text-zinc-800">{info.getValue()}</code>,
      }),
      column.accessor("last4", {
        header: "Last 4",
        enableSorting: false,
        cell: (info) => <code className="font-mono text-xs whitespace-nowrap text-zinc-800">…{info.getValue()}</code>,
      }),
      column.accessor("setAt", {
        header: "Set",
        cell: (info) => {
          const setBy = info.row.original.setBy;
          return (
            <span className="block space-y-0.5">
              <time dateTime={info.getValue()} className="block whitespace-nowrap">
                {formatDateTime(info.getValue())}
              </time>
              <span className="block max-w-56 truncate text-xs text-zinc-500" title={setBy ?? undefined}>
                {setBy ? `by ${setBy}` : "by a removed user"}
              </span>
            </span>
          );
        },
      }),
      column.accessor("status", {
        header: "Status",
        enableSorting: false,
        cell: (info) => {
          const row = info.row.original;
          if (row.status === "live") return <Badge tone="success">Live</Badge>;
          return (
            <span className="space-y-0.5">
              <Badge>Revoked</Badge>
              {row.revokedAt ? (
                <time dateTime={row.revokedAt} className="block text-xs whitespace-nowrap text-zinc-500">
                  {formatDate(row.revokedAt)}
                </time>
              ) : null}
            </span>
          );
        },
      }),
      ...(canManage
        ? [
            column.display({
              id: "actions",
              header: () => <span className="sr-only">Actions</span>,
              cell: (info) => {
                const providerKey = info.row.original;
                if (providerKey.status === "revoked") return null;
                return (
                  <div className="flex justify-end gap-0.5">
                    <ReplaceKeyDialog orgId={orgId} providerKey={providerKey} onReplaced={setNotice} />
                    <RenameKeyDialog orgId={orgId} providerKey={providerKey} onRenamed={setNotice} />
                    <RevokeKeyDialog orgId={orgId} providerKey={providerKey} onRevoked={setNotice} />
                  </div>
                );
              },
              meta: { align: "right" as const },
            }),
          ]
        : []),
    ],
    [canManage, orgId],
  );

  const live = keys.filter((key) => key.status === "live");
  const revoked = keys.length - live.length;
  const shown = showRevoked ? keys : live;
  return (
    <Card aria-labelledby="provider-keys-title">
      <CardHeader
        titleId="provider-keys-title"
        title="Vaulted keys"
        description={`${live.length} live ${live.length === 1 ? "key" : "keys"}${revoked ? `, ${revoked} revoked` : ""}. A project's own key wins over the org-wide key of the same provider.`}
        actions={
          canManage ? (
            <AddKeyDialog
              orgId={orgId}
              projects={projects}
              onAdded={(text) => {
                setNotice(text);
              }}
            />
          ) : null
        }
      />
      <div className="flex flex-wrap items-center justify-between gap-3 border-b border-zinc-100 px-5 py-3">
        <SwitchField
          id="provider-keys-show-revoked"
          label="Show revoked"
          description={revoked ? `Include the ${revoked} revoked ${revoked === 1 ? "key" : "keys"}, kept for the record with their secret erased.` : "No key has been revoked."}
          checked={showRevoked}
          onChange={setShowRevoked}
        />
      </div>
      {notice ? (
        <div className="border-b border-zinc-100 px-5 py-3">
          <Alert tone="success">{notice}</Alert>
        </div>
      ) : null}
      <DataTable
        label="Provider keys"
        columns={columns}
        data={shown}
        getRowId={(row) => row.id}
        initialSorting={[{ id: "setAt", desc: true }]}
        empty={<EmptyState canManage={canManage} revokedHidden={showRevoked ? 0 : revoked} />}
      />
    </Card>
  );
}
