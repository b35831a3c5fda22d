"use client";

import { createColumnHelper } from "@tanstack/react-table";
import { useMemo, useState } from "react";
import type { ApiKeyScope } from "@/lib/api-keys/schemas";
import { DataTable } from "@/components/data-table/data-table";
import { Alert } from "@/components/ui/alert";
import { Card, CardHeader } from "@/components/ui/card";
import { CreateKeyDialog } from "./create-key-dialog";
import { EditKeyDialog } from "./edit-key-dialog";
import { KeyCreated, KeyExpiry, KeyLastUsed, KeyRestrictions, KeyScopes, KeyStatus } from "./key-cells";
import type { KeyRow } from "./key-draft";
import { RevokeDialog } from "./revoke-dialog";
import { RotateDialog } from "./rotate-dialog";
import { SecretDialog, type RevealedSecret } from "./secret-dialog";

interface ApiKeysSectionProps {
  orgId: string;
  projectId: string;
  keys: KeyRow[];
  /** The server's clock at render: relative times are computed from it on both sides. */
  now: string;
  canCreate: boolean;
  canManage: boolean;
  grantableScopes: ApiKeyScope[];
}

const column = createColumnHelper<KeyRow>();
const byOptionalIso = (a?: string | null, b?: string | null) => (a ?? "").localeCompare(b ?? "");

function EmptyState({ canCreate }: { canCreate: boolean }) {
  return (
    <div className="mx-auto max-w-md space-y-1.5">
      <p className="font-medium text-zinc-800">No API keys yet</p>
      <p>
        An API key lets an application call the gateway for this project. It decides what the caller may do (scopes), from where (IP ranges and browser
        origins) and how often, and every request it makes is counted in this project&apos;s usage.
      </p>
      {canCreate ? <p>Create one with “Create API key” above; its secret is shown only once.</p> : <p>Ask a developer, admin or owner to create one.</p>}
    </div>
  );
}

export function ApiKeysSection({ orgId, projectId, keys, now, canCreate, canManage, grantableScopes }: ApiKeysSectionProps) {
  const [revealed, setRevealed] = useState<RevealedSecret | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const columns = useMemo(
    () => [
      column.accessor("name", {
        header: "Name",
        sortingFn: "text",
        meta: { rowHeader: true, className: "min-w-40 max-w-64" },
        cell: (info) => {
          const apiKey = info.row.original;
          return (
            <span className="block space-y-0.5">
              <span className="block break-words">{info.getValue()}</span>
              <code className="block text-xs font-normal whitespace-nowrap text-zinc-600">
                <span className="sr-only">Key </span>
                {apiKey.prefix}…{apiKey.last4}
              </code>
              {apiKey.description ? (
                <span className="line-clamp-2 block text-xs font-normal text-zinc-500" title={apiKey.description}>
                  {apiKey.description}
                </span>
              ) : null}
            </span>
          );
        },
      }),
      column.accessor("scopes", { header: "Scopes", enableSorting: false, cell: (info) => <KeyScopes scopes={info.getValue()} /> }),
      column.display({ id: "restrictions", header: "Restrictions", cell: (info) => <KeyRestrictions apiKey={info.row.original} /> }),
      column.accessor("expiresAt", {
        header: "Expires",
        enableSorting: false,
        cell: (info) => <KeyExpiry apiKey={info.row.original} now={now} />,
      }),
      column.accessor("createdAt", {
        header: "Created",
        sortingFn: (a, b) => byOptionalIso(a.original.createdAt, b.original.createdAt),
        cell: (info) => <KeyCreated apiKey={info.row.original} now={now} />,
      }),
      column.accessor("lastUsedAt", {
        header: "Last used",
        sortingFn: (a, b) => byOptionalIso(a.original.lastUsedAt, b.original.lastUsedAt),
        cell: (info) => <KeyLastUsed apiKey={info.row.original} now={now} />,
      }),
      column.accessor("status", {
        header: "Status",
        enableSorting: false,
        cell: (info) => <KeyStatus apiKey={info.row.original} />,
        meta: { className: "max-w-36" },
      }),
      ...(canManage
        ? [
            column.display({
              id: "actions",
              header: () => <span className="sr-only">Actions</span>,
              cell: (info) => {
                const apiKey = info.row.original;
                if (apiKey.status === "revoked") return null;
                return (
                  <div className="flex justify-end gap-0.5">
                    <RotateDialog orgId={orgId} apiKey={apiKey} onRotated={setRevealed} />
                    <EditKeyDialog orgId={orgId} apiKey={apiKey} grantableScopes={grantableScopes} onSaved={setNotice} />
                    <RevokeDialog orgId={orgId} apiKey={apiKey} onRevoked={setNotice} />
                  </div>
                );
              },
              meta: { align: "right" as const },
            }),
          ]
        : []),
    ],
    [canManage, grantableScopes, now, orgId],
  );

  const active = keys.filter((key) => key.status === "active").length;
  return (
    <Card aria-labelledby="api-keys-title">
      <CardHeader
        titleId="api-keys-title"
        title="API keys"
        description={`${active} active of ${keys.length} ${keys.length === 1 ? "key" : "keys"}. Applications send a key as a bearer token; Gatehouse stores only its hash.`}
        actions={
          canCreate ? (
            <CreateKeyDialog
              orgId={orgId}
              projectId={projectId}
              grantableScopes={grantableScopes}
              onCreated={(next) => {
                setNotice(null);
                setRevealed(next);
              }}
            />
          ) : null
        }
      />
      {notice ? (
        <div className="border-b border-zinc-100 px-5 py-3">
          <Alert tone="success">{notice}</Alert>
        </div>
      ) : null}
      <DataTable
        label="API keys"
        columns={columns}
        data={keys}
        getRowId={(row) => row.id}
        initialSorting={[{ id: "createdAt", desc: true }]}
        empty={<EmptyState canCreate={canCreate} />}
      />
      <SecretDialog revealed={revealed} onClose={() => setRevealed(null)} />
    </Card>
  );
}
