"use client";

import type { z } from "zod";
import { addDomainAction, removeDomainAction, verifyDomainAction } from "@/lib/sso/actions";
import type { domainDto } from "@/lib/sso/schemas";
import { FormError, HiddenFields } from "@/components/forms/form-error";
import { useActionForm } from "@/components/forms/use-action-form";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { CopyButton } from "@/components/ui/copy-button";
import { TextField } from "@/components/ui/field";

type Domain = z.output<typeof domainDto>;

function AddDomainForm({ orgId }: { orgId: string }) {
  const { pending, formRef, onSubmit, fieldError, failure } = useActionForm(addDomainAction, { resetOnSuccess: true });
  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-3" aria-label="Add a domain">
      <HiddenFields fields={{ orgId }} />
      <div className="flex flex-wrap items-start gap-3">
        <TextField id="sso-domain" name="domain" label="Email domain" placeholder="example.com" autoCapitalize="none" spellCheck={false} fieldClassName="w-full max-w-sm" error={fieldError("domain")} />
        <Button type="submit" variant="primary" pending={pending} className="sm:mt-[1.625rem]">
          Add domain
        </Button>
      </div>
      <FormError failure={failure} />
    </form>
  );
}

function VerifyButton({ orgId, domain }: { orgId: string; domain: Domain }) {
  const { pending, formRef, onSubmit, failure } = useActionForm(verifyDomainAction);
  return (
    <form ref={formRef} onSubmit={onSubmit} className="space-y-2">
      <HiddenFields fields={{ orgId, domainId: domain.id }} />
      <Button type="submit" size="sm" variant="primary" pending={pending} aria-label={`Verify ${domain.domain}`}>
        Verify
      </Button>
      <FormError failure={failure} />
    </form>
  );
}

function DomainRow({ orgId, domain }: { orgId: string; domain: Domain }) {
  const verified = domain.status === "verified";
  return (
    <li className="space-y-3 px-5 py-4">
      <div className="flex flex-wrap items-center gap-3">
        <span className="font-mono text-[0.8125rem] font-medium text-zinc-900">{domain.domain}</span>
        {verified ? <Badge tone="success">Verified</Badge> : <Badge tone="warning">Pending</Badge>}
        <div className="ml-auto flex items-start gap-2">
          {verified ? null : <VerifyButton orgId={orgId} domain={domain} />}
          <ConfirmDialog
            trigger={{ label: "Remove", ariaLabel: `Remove ${domain.domain}`, size: "sm" }}
            title={`Remove ${domain.domain}?`}
            description="Users with emails in this domain can no longer sign in through your identity provider until it is verified again."
            confirmLabel="Remove domain"
            tone="danger"
            action={removeDomainAction}
            fields={{ orgId, domainId: domain.id, confirm: "true" }}
          />
        </div>
      </div>
      {verified ? null : (
        <div className="space-y-2 rounded-md bg-zinc-50 p-3 text-[0.8125rem]">
          <p className="text-zinc-700">Publish this DNS TXT record, then select Verify (DNS changes can take a few minutes to appear).</p>
          <dl className="grid gap-2 sm:grid-cols-[6rem_1fr]">
            <dt className="text-zinc-500">Name</dt>
            <dd className="flex flex-wrap items-center gap-2">
              <code className="break-all">{domain.record.name}</code>
              <CopyButton value={domain.record.name} label={`Copy the record name for ${domain.domain}`} variant="secondary" size="sm" />
            </dd>
            <dt className="text-zinc-500">Type</dt>
            <dd>
              <code>TXT</code>
            </dd>
            <dt className="text-zinc-500">Value</dt>
            <dd className="flex flex-wrap items-center gap-2">
              <code className="break-all">{domain.record.value}</code>
              <CopyButton value={domain.record.value} label={`Copy the record value for ${domain.domain}`} variant="secondary" size="sm" />
            </dd>
          </dl>
          {domain.lastError ? <p className="text-red-700">Last check: {domain.lastError}</p> : null}
        </div>
      )}
    </li>
  );
}

export function DomainsSection({ orgId, domains }: { orgId: string; domains: Domain[] }) {
  return (
    <Card aria-labelledby="sso-domains-title">
      <CardHeader
        titleId="sso-domains-title"
        title="Verified domains"
        description="Prove an email domain with a DNS TXT record. Sign-ins with emails in a verified domain go to your identity provider, and only those emails are accepted from it. A domain can be verified by one organisation only."
      />
      {domains.length ? (
        <ul aria-label="Domains" className="divide-y divide-zinc-100 border-b border-zinc-100">
          {domains.map((domain) => (
            <DomainRow key={domain.id} orgId={orgId} domain={domain} />
          ))}
        </ul>
      ) : null}
      <CardBody>
        <AddDomainForm orgId={orgId} />
      </CardBody>
    </Card>
  );
}
