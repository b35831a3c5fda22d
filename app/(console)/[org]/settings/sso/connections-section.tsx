"use client";

import { useState } from "react";
import type { z } from "zod";
import { createConnectionAction, deleteConnectionAction, refreshDiscoveryAction, updateConnectionAction } from "@/lib/sso/actions";
import type { connectionDto } from "@/lib/sso/schemas";
import { FormError, HiddenFields } from "@/components/forms/form-error";
import { useActionForm } from "@/components/forms/use-action-form";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { CopyButton } from "@/components/ui/copy-button";
import { TextField } from "@/components/ui/field";

type Connection = z.output<typeof connectionDto>;

function TextArea({ id, name, label, hint, error, rows = 4 }: { id: string; name: string; label: string; hint?: string; error?: string; rows?: number }) {
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-[0.8125rem] font-medium text-zinc-800">
        {label}
      </label>
      <textarea
        id={id}
        name={name}
        rows={rows}
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : hint ? `${id}-hint` : undefined}
        className="block w-full rounded-md border border-zinc-300 px-3 py-2 font-mono text-xs text-zinc-900 shadow-xs focus:border-accent-500 focus:ring-2 focus:ring-accent-500/30 focus:outline-none aria-invalid:border-red-500"
      />
      {hint && !error ? (
        <p id={`${id}-hint`} className="text-xs text-zinc-500">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="text-xs font-medium text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A value to paste into the IdP, with a copy button. */
function Paste({ label, value }: { label: string; value: string }) {
  return (
    <>
      <dt className="text-zinc-500">{label}</dt>
      <dd className="flex min-w-0 flex-wrap items-center gap-2">
        <code className="break-all text-zinc-900">{value}</code>
        <CopyButton value={value} label={`Copy ${label}`} variant="secondary" size="sm" />
      </dd>
    </>
  );
}

function NewConnectionForm({ orgId, protocol, onDone }: { orgId: string; protocol: "OIDC" | "SAML"; onDone: () => void }) {
  const { pending, formRef, onSubmit, fieldError, failure } = useActionForm(createConnectionAction, { onSuccess: onDone });
  const p = protocol.toLowerCase();
  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-4" aria-label={`New ${protocol} connection`}>
      <HiddenFields fields={{ orgId, protocol }} />
      <TextField id={`${p}-name`} name="name" label="Name" placeholder={protocol === "OIDC" ? "Okta" : "Entra ID"} fieldClassName="max-w-sm" error={fieldError("name")} />
      {protocol === "OIDC" ? (
        <>
          <TextField
            id="oidc-issuer"
            name="issuer"
            label="Issuer URL"
            placeholder="https://example.okta.com"
            hint="Gatehouse reads {issuer}/.well-known/openid-configuration once and stores it."
            autoCapitalize="none"
            spellCheck={false}
            error={fieldError("issuer")}
          />
          <TextField id="oidc-client-id" name="clientId" label="Client ID" autoCapitalize="none" spellCheck={false} fieldClassName="max-w-md" error={fieldError("clientId")} />
          <TextField id="oidc-client-secret" name="clientSecret" type="password" label="Client secret" autoComplete="off" fieldClassName="max-w-md" hint="Stored encrypted; only its last four characters are shown again." error={fieldError("clientSecret")} />
        </>
      ) : (
        <>
          <TextArea id="saml-metadata" name="metadataXml" label="IdP metadata XML" hint="Paste the IdP's metadata, or fill in the three fields below instead." error={fieldError("metadataXml")} rows={5} />
          <TextField id="saml-entity-id" name="entityId" label="IdP entity ID (issuer)" autoCapitalize="none" spellCheck={false} error={fieldError("entityId")} />
          <TextField id="saml-sso-url" name="ssoUrl" label="IdP single sign-on URL" autoCapitalize="none" spellCheck={false} error={fieldError("ssoUrl")} />
          <TextArea id="saml-certificate" name="certificate" label="IdP signing certificate (PEM)" error={fieldError("certificates") ?? fieldError("certificates.0")} />
        </>
      )}
      <div className="flex gap-2">
        <Button type="submit" variant="primary" pending={pending}>
          Save connection
        </Button>
        <Button onClick={onDone}>Cancel</Button>
      </div>
      <FormError failure={failure} />
    </form>
  );
}

function ToggleForm({ orgId, connection }: { orgId: string; connection: Connection }) {
  const { pending, formRef, onSubmit, failure } = useActionForm(updateConnectionAction);
  return (
    <form ref={formRef} onSubmit={onSubmit}>
      <HiddenFields fields={{ orgId, connectionId: connection.id, enabled: connection.enabled ? "false" : "true" }} />
      <Button type="submit" size="sm" pending={pending} aria-label={`${connection.enabled ? "Disable" : "Enable"} ${connection.name}`}>
        {connection.enabled ? "Disable" : "Enable"}
      </Button>
      <FormError failure={failure} className="mt-2" />
    </form>
  );
}

function RefreshForm({ orgId, connection }: { orgId: string; connection: Connection }) {
  const { pending, formRef, onSubmit, failure } = useActionForm(refreshDiscoveryAction);
  return (
    <form ref={formRef} onSubmit={onSubmit}>
      <HiddenFields fields={{ orgId, connectionId: connection.id }} />
      <Button type="submit" size="sm" pending={pending} aria-label={`Refresh the discovery document of ${connection.name}`}>
        Refresh
      </Button>
      <FormError failure={failure} className="mt-2" />
    </form>
  );
}

function SecretForm({ orgId, connection }: { orgId: string; connection: Connection }) {
  const [open, setOpen] = useState(false);
  const { pending, formRef, onSubmit, fieldError, failure } = useActionForm(updateConnectionAction, { onSuccess: () => setOpen(false) });
  if (!open) {
    return (
      <Button size="sm" onClick={() => setOpen(true)} aria-label={`Replace the client secret of ${connection.name}`}>
        Replace secret
      </Button>
    );
  }
  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="flex flex-wrap items-start gap-2">
      <HiddenFields fields={{ orgId, connectionId: connection.id }} />
      <TextField id={`secret-${connection.id}`} name="clientSecret" type="password" label="New client secret" autoComplete="off" error={fieldError("clientSecret")} />
      <Button type="submit" size="sm" variant="primary" pending={pending} className="sm:mt-[1.625rem]">
        Save
      </Button>
      <FormError failure={failure} />
    </form>
  );
}

function ConnectionItem({ orgId, connection }: { orgId: string; connection: Connection }) {
  return (
    <li className="space-y-3 px-5 py-4" aria-label={connection.name}>
      <div className="flex flex-wrap items-center gap-2">
        <span className="text-[0.875rem] font-medium text-zinc-900">{connection.name}</span>
        <Badge tone="accent">{connection.protocol}</Badge>
        {connection.enabled ? <Badge tone="success">Enabled</Badge> : <Badge>Disabled</Badge>}
        <div className="ml-auto flex flex-wrap items-start gap-2">
          {connection.oidc ? <RefreshForm orgId={orgId} connection={connection} /> : null}
          {connection.oidc ? <SecretForm orgId={orgId} connection={connection} /> : null}
          <ToggleForm orgId={orgId} connection={connection} />
          <ConfirmDialog
            trigger={{ label: "Delete", ariaLabel: `Delete ${connection.name}`, size: "sm" }}
            title={`Delete ${connection.name}?`}
            description="Its users can no longer sign in through it; their accounts and memberships stay."
            confirmLabel="Delete connection"
            tone="danger"
            action={deleteConnectionAction}
            fields={{ orgId, connectionId: connection.id, confirm: "true" }}
          />
        </div>
      </div>
      <dl className="grid gap-x-4 gap-y-2 text-[0.8125rem] sm:grid-cols-[11rem_1fr]">
        {connection.oidc ? (
          <>
            <dt className="text-zinc-500">Issuer</dt>
            <dd className="break-all text-zinc-900">{connection.oidc.issuer}</dd>
            <dt className="text-zinc-500">Client ID</dt>
            <dd className="break-all text-zinc-900">{connection.oidc.clientId}</dd>
            <dt className="text-zinc-500">Client secret</dt>
            <dd className="text-zinc-900">{connection.oidc.clientSecretLast4 ? `••••${connection.oidc.clientSecretLast4}` : "—"}</dd>
            <Paste label="Redirect URI" value={connection.oidc.redirectUri} />
          </>
        ) : null}
        {connection.saml ? (
          <>
            <dt className="text-zinc-500">IdP entity ID</dt>
            <dd className="break-all text-zinc-900">{connection.saml.entityId}</dd>
            <dt className="text-zinc-500">IdP SSO URL</dt>
            <dd className="break-all text-zinc-900">{connection.saml.ssoUrl}</dd>
            <dt className="text-zinc-500">Signing certificates</dt>
            <dd className="space-y-1 text-zinc-900">
              {connection.saml.certificates.map((c) => (
                <p key={c.sha256} className="font-mono text-xs break-all">
                  SHA-256 {c.sha256}
                  {c.notAfter ? ` · expires ${c.notAfter.slice(0, 10)}` : ""}
                </p>
              ))}
            </dd>
            <Paste label="SP entity ID" value={connection.saml.sp.entityId} />
            <Paste label="ACS URL" value={connection.saml.sp.acsUrl} />
            <Paste label="SP metadata URL" value={connection.saml.sp.metadataUrl} />
          </>
        ) : null}
        <Paste label="Sign-in link" value={connection.signInUrl} />
      </dl>
    </li>
  );
}

export function ConnectionsSection({ orgId, connections }: { orgId: string; connections: Connection[] }) {
  const [adding, setAdding] = useState<"OIDC" | "SAML" | null>(null);
  return (
    <Card aria-labelledby="sso-connections-title">
      <CardHeader
        titleId="sso-connections-title"
        title="Identity providers"
        description="OpenID Connect or SAML connections. Register the redirect URI (OIDC) or the SP entity ID and ACS URL (SAML) shown here at your identity provider."
        actions={
          adding ? null : (
            <div className="flex gap-2">
              <Button size="sm" variant="primary" onClick={() => setAdding("OIDC")}>
                Add OIDC connection
              </Button>
              <Button size="sm" onClick={() => setAdding("SAML")}>
                Add SAML connection
              </Button>
            </div>
          )
        }
      />
      {connections.length ? (
        <ul aria-label="SSO connections" className="divide-y divide-zinc-100 border-b border-zinc-100">
          {connections.map((connection) => (
            <ConnectionItem key={connection.id} orgId={orgId} connection={connection} />
          ))}
        </ul>
      ) : null}
      <CardBody>
        {adding ? (
          <NewConnectionForm key={adding} orgId={orgId} protocol={adding} onDone={() => setAdding(null)} />
        ) : connections.length === 0 ? (
          <p className="text-[0.8125rem] text-zinc-500">No connection yet.</p>
        ) : null}
      </CardBody>
    </Card>
  );
}
