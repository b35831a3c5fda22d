"use client";

import { useEffect, useRef, useState } from "react";
import { inviteMemberAction } from "@/lib/members/actions";
import type { MailFailure } from "@/lib/mail/failure";
import type { Role } from "@/lib/security/permissions";
import { FormError, HiddenFields } from "@/components/forms/form-error";
import { useActionForm } from "@/components/forms/use-action-form";
import { ROLE_LABELS, ROLE_SUMMARIES } from "@/components/roles";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { SelectField, TextField } from "@/components/ui/field";
import { Input } from "@/components/ui/input";

interface CreatedInvitation {
  email: string;
  role: Role;
  inviteUrl: string;
  emailSent: boolean;
  emailError?: MailFailure;
}

const MAIL_FAILURE_TEXT: Record<Exclude<MailFailure, "not_configured">, string> = {
  unreachable: "the mail server could not be reached",
  timeout: "the mail server did not answer in time",
  auth_failed: "the mail server refused Gatehouse's credentials",
  rejected: "the mail server refused the message",
  failed: "sending failed",
};

function Delivery({ invitation }: { invitation: CreatedInvitation }) {
  const who = <strong className="font-semibold">{invitation.email}</strong>;
  const role = ROLE_LABELS[invitation.role];
  if (invitation.emailSent) {
    return (
      <>
        Invitation emailed to {who} as {role}. The link is below too, if you want to pass it on yourself.
      </>
    );
  }
  if (!invitation.emailError || invitation.emailError === "not_configured") {
    return (
      <>
        Invitation created for {who} as {role}. Send them this link yourself: Gatehouse does not email it.
      </>
    );
  }
  return (
    <>
      Invitation created for {who} as {role}, but it was not emailed ({MAIL_FAILURE_TEXT[invitation.emailError]}). Send them this link yourself.
    </>
  );
}

function InvitationLink({ invitation, ttlHours, onDone }: { invitation: CreatedInvitation; ttlHours: number; onDone: () => void }) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [copy, setCopy] = useState<"idle" | "copied" | "manual">("idle");

  useEffect(() => {
    inputRef.current?.focus();
    inputRef.current?.select();
  }, [invitation.inviteUrl]);

  async function copyLink() {
    try {
      await navigator.clipboard.writeText(invitation.inviteUrl);
      setCopy("copied");
    } catch {
      inputRef.current?.select();
      setCopy("manual");
    }
  }

  const expiry = ttlHours % 24 === 0 ? `${ttlHours / 24} ${ttlHours === 24 ? "day" : "days"}` : `${ttlHours} hours`;
  return (
    <div className="space-y-3 rounded-md border border-emerald-200 bg-emerald-50/60 p-4">
      <p className="text-[0.8125rem] text-zinc-800">
        <Delivery invitation={invitation} />
      </p>
      <div className="space-y-1.5">
        <label htmlFor="invite-link" className="block text-[0.8125rem] font-medium text-zinc-800">
          Invitation link
        </label>
        <div className="flex gap-2">
          <Input ref={inputRef} id="invite-link" readOnly value={invitation.inviteUrl} aria-describedby="invite-link-note" className="font-mono text-xs" onFocus={(e) => e.currentTarget.select()} />
          <Button variant="primary" onClick={copyLink}>
            Copy link
          </Button>
        </div>
        <p id="invite-link-note" className="text-xs text-zinc-600">
          Shown only once: the link is the only copy of the token. It works for {invitation.email} only, once, and expires in {expiry}.
        </p>
      </div>
      <div className="flex items-center justify-between gap-3">
        <p role="status" className="text-xs font-medium text-emerald-800">
          {copy === "copied" ? "Link copied to the clipboard." : copy === "manual" ? "Copying is blocked here: the link is selected, press Ctrl+C (⌘C) to copy it." : ""}
        </p>
        <Button size="sm" variant="ghost" onClick={onDone}>
          Done
        </Button>
      </div>
    </div>
  );
}

export function InviteForm({ orgId, grantableRoles, ttlHours }: { orgId: string; grantableRoles: Role[]; ttlHours: number }) {
  const [created, setCreated] = useState<CreatedInvitation | null>(null);
  const [role, setRole] = useState<Role>(grantableRoles.includes("DEVELOPER") ? "DEVELOPER" : (grantableRoles.at(-1) ?? "VIEWER"));
  const emailRef = useRef<HTMLInputElement>(null);
  const { pending, formRef, onSubmit, fieldError, failure } = useActionForm(inviteMemberAction, {
    // The role stays selected for the next invitation; only the email is cleared.
    onSuccess: (data) => {
      if (emailRef.current) emailRef.current.value = "";
      setCreated(data);
    },
  });

  return (
    <Card aria-labelledby="invite-title">
      <CardHeader
        titleId="invite-title"
        title="Invite a member"
        description="You can grant your own role or any role below it. Inviting the same email again replaces the earlier link."
      />
      <div className="space-y-4 px-5 py-4">
        <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-3">
          <HiddenFields fields={{ orgId }} />
          <div className="grid items-start gap-3 sm:grid-cols-[minmax(0,1fr)_12rem_auto]">
            <TextField
              ref={emailRef}
              id="invite-email"
              name="email"
              type="email"
              label="Email"
              placeholder="name@company.com"
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              required
              error={fieldError("email")}
            />
            <SelectField
              id="invite-role"
              name="role"
              label="Role"
              value={role}
              onChange={(event) => setRole(event.target.value as Role)}
              error={fieldError("role")}
            >
              {grantableRoles.map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABELS[r]}
                </option>
              ))}
            </SelectField>
            <Button type="submit" variant="primary" pending={pending} className="sm:mt-[1.625rem]">
              Invite
            </Button>
          </div>
          <p className="text-xs text-zinc-500">
            {ROLE_LABELS[role]}: {ROLE_SUMMARIES[role]}.
          </p>
          <FormError failure={failure} />
        </form>
        {created ? (
          <InvitationLink
            invitation={created}
            ttlHours={ttlHours}
            onDone={() => {
              setCreated(null);
              emailRef.current?.focus();
            }}
          />
        ) : null}
      </div>
    </Card>
  );
}
