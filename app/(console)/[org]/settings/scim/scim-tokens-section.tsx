"use client";

import { createColumnHelper } from "@tanstack/react-table";
import { useMemo, useState, type FormEvent } from "react";
import { createScimTokenAction, revokeScimTokenAction } from "@/lib/scim/actions";
import { DataTable } from "@/components/data-table/data-table";
import { FormError } from "@/components/forms/form-error";
import { useActionCall } from "@/components/forms/use-action-call";
import { formatDateTime } from "@/components/format";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog } from "@/components/ui/dialog";
import { TextField } from "@/components/ui/field";
import { ShowOnceSecret } from "@/components/ui/show-once-secret";
import type { CreatedScimToken, ScimTokenRow } from "./scim-draft";

interface TokensProps {
  orgId: string;
  baseUrl: string;
  tokens: ScimTokenRow[];
}

const column = createColumnHelper<ScimTokenRow>();

/** The org's SCIM tokens: create (shown once), see when each was last used, revoke. */
export function ScimTokensSection({ orgId, baseUrl, tokens }: TokensProps) {
  const [notice, setNotice] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedScimToken | null>(null);

  const columns = useMemo(
    () => [
      column.accessor("name", { header: "Name", sortingFn: "text", meta: { rowHeader: true, className: "min-w-36 max-w-64 break-words" } }),
      column.accessor((row) => `${row.prefix}…${row.last4}`, {
        id: "token",
        header: "Token",
        enableSorting: false,
        cell: (info) => <code className="font-mono text-xs whitespace-nowrap text-zinc-800">{info.getValue()}</code>,
      }),
      column.accessor("createdAt", {
        header: "Created",
        cell: (info) => (
          <span className="block">
            <time dateTime={info.getValue()} className="block whitespace-nowrap">
              {formatDateTime(info.getValue())}
            </time>
            {info.row.original.createdBy ? <span className="block max-w-40 truncate text-xs text-zinc-500">by {info.row.original.createdBy}</span> : null}
          </span>
        ),
      }),
      column.accessor("lastUsedAt", {
        header: "Last used",
        cell: (info) => {
          const value = info.getValue();
          return value ? (
            <time dateTime={value} className="whitespace-nowrap">
              {formatDateTime(value)}
            </time>
          ) : (
            <span className="text-zinc-400">Never</span>
          );
        },
      }),
      column.accessor("status", {
        header: "Status",
        enableSorting: false,
        cell: (info) => {
          const row = info.row.original;
          if (row.status === "active") return <Badge tone="success">Active</Badge>;
          return (
            <span className="space-y-0.5">
              <Badge tone="danger">Revoked</Badge>
              {row.revokedAt ? <span className="block text-xs whitespace-nowrap text-zinc-500">{formatDateTime(row.revokedAt)}</span> : null}
            </span>
          );
        },
      }),
      column.display({
        id: "actions",
        header: () => <span className="sr-only">Actions</span>,
        cell: (info) => (info.row.original.status === "active" ? <RevokeTokenDialog orgId={orgId} token={info.row.original} onRevoked={setNotice} /> : null),
        meta: { align: "right" as const },
      }),
    ],
    [orgId],
  );

  const active = tokens.filter((token) => token.status === "active").length;
  return (
    <Card aria-labelledby="scim-tokens-title">
      <CardHeader
        titleId="scim-tokens-title"
        title="SCIM tokens"
        description={`${active} active ${active === 1 ? "token" : "tokens"}. The identity provider sends one as its bearer token; the token alone selects this organisation.`}
        actions={<CreateTokenDialog orgId={orgId} onCreated={setCreated} />}
      />
      <dl className="grid gap-x-6 gap-y-1 border-b border-zinc-100 px-5 py-3 text-[0.8125rem] sm:grid-cols-[auto_1fr]">
        <dt className="text-zinc-500">SCIM base URL</dt>
        <dd className="flex min-w-0 flex-wrap items-center gap-2">
          <code className="font-mono text-xs break-all text-zinc-900">{baseUrl}</code>
          <CopyButton value={baseUrl} label="Copy SCIM base URL" variant="ghost" size="sm" />
        </dd>
      </dl>
      {notice ? (
        <div className="border-b border-zinc-100 px-5 py-3">
          <Alert tone="success">{notice}</Alert>
        </div>
      ) : null}
      <DataTable
        label="SCIM tokens"
        columns={columns}
        data={tokens}
        getRowId={(row) => row.id}
        initialSorting={[{ id: "createdAt", desc: true }]}
        empty={
          <div className="mx-auto max-w-md space-y-1.5">
            <p className="font-medium text-zinc-800">No SCIM token yet</p>
            <p>Create one, then paste it with the base URL above into your identity provider&apos;s SCIM app.</p>
          </div>
        }
      />
      <TokenRevealDialog created={created} baseUrl={baseUrl} onClose={() => setCreated(null)} />
    </Card>
  );
}

function CreateTokenDialog({ orgId, onCreated }: { orgId: string; onCreated: (token: CreatedScimToken) => void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="primary" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        Create token
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Create a SCIM token" description="Name it after the identity provider that will use it. The token is shown once.">
        {open ? (
          <CreateTokenForm
            orgId={orgId}
            onClose={() => setOpen(false)}
            onCreated={(token) => {
              setOpen(false);
              onCreated(token);
            }}
          />
        ) : null}
      </Dialog>
    </>
  );
}

function CreateTokenForm({ orgId, onClose, onCreated }: { orgId: string; onClose: () => void; onCreated: (token: CreatedScimToken) => void }) {
  const [name, setName] = useState("");
  const { pending, run, fieldErrors, failure } = useActionCall(createScimTokenAction, { onSuccess: onCreated });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    run({ orgId, name: name.trim() });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4" autoComplete="off">
      <TextField
        id="scim-token-name"
        label="Name"
        value={name}
        onChange={(event) => setName(event.target.value)}
        required
        maxLength={80}
        placeholder="e.g. Okta production"
        hint="Shown in this list and in the audit log."
        error={fieldErrors.name}
      />
      <FormError failure={fieldErrors.name ? null : failure} />
      <div className="flex justify-end gap-2 pt-1">
        <Button onClick={onClose} disabled={pending}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" pending={pending}>
          Create token
        </Button>
      </div>
    </form>
  );
}

/** The show-once panel: the token and the base URL, each with a copy button. Closing it drops the token from the page. */
function TokenRevealDialog({ created, baseUrl, onClose }: { created: CreatedScimToken | null; baseUrl: string; onClose: () => void }) {
  return (
    <Dialog
      open={created !== null}
      onClose={onClose}
      title="SCIM token created"
      description={
        created ? (
          <>
            The token <strong className="font-medium text-zinc-900">{created.name}</strong>. Paste it into your identity provider now.
          </>
        ) : null
      }
    >
      {created ? <TokenRevealBody created={created} baseUrl={baseUrl} onClose={onClose} /> : null}
    </Dialog>
  );
}

function TokenRevealBody({ created, baseUrl, onClose }: { created: CreatedScimToken; baseUrl: string; onClose: () => void }) {
  return (
    <ShowOnceSecret id="scim-token-secret" label="Bearer token" value={created.token} copyLabel="Copy SCIM token" warningId="scim-token-warning" onDone={onClose}>
      <div className="space-y-1.5">
        <p className="text-[0.8125rem] font-medium text-zinc-800">SCIM base URL</p>
        <div className="flex flex-wrap items-center gap-2">
          <code className="font-mono text-xs break-all text-zinc-900">{baseUrl}</code>
          <CopyButton value={baseUrl} label="Copy base URL" variant="secondary" size="sm" />
        </div>
      </div>
      <Alert tone="warning" id="scim-token-warning" live="none">
        This is the only time the token is shown. Gatehouse keeps only a hash of it: if you lose it, create another and revoke this one.
      </Alert>
    </ShowOnceSecret>
  );
}

function RevokeTokenDialog({ orgId, token, onRevoked }: { orgId: string; token: ScimTokenRow; onRevoked: (text: string) => void }) {
  return (
    <ConfirmDialog
      trigger={{ label: "Revoke", ariaLabel: `Revoke ${token.name}`, variant: "ghost" }}
      title={`Revoke ${token.name}?`}
      description={
        <>
          The token <code className="text-xs">
            {token.prefix}…{token.last4}
          </code>{" "}
          stops working at once: the identity provider can no longer provision or deprovision anyone until it gets a new token. Members stay as they are.
        </>
      }
      confirmLabel="Revoke token"
      action={revokeScimTokenAction}
      input={{ orgId, tokenId: token.id, confirm: true }}
      onSuccess={(revoked) => onRevoked(`${revoked.name} revoked.`)}
    />
  );
}
