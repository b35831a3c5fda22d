"use client";

import { useState } from "react";
import { changeRoleAction } from "@/lib/members/actions";
import { ROLE_RANK, type Role } from "@/lib/security/permissions";
import { HiddenFields } from "@/components/forms/form-error";
import { useActionForm } from "@/components/forms/use-action-form";
import { ROLE_LABELS } from "@/components/roles";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Select } from "@/components/ui/select";
import { Spinner } from "@/components/ui/spinner";

interface RoleSelectProps {
  orgId: string;
  member: { id: string; email: string; role: Role; isMe: boolean; manageable: boolean; lastOwner: boolean };
  grantableRoles: readonly Role[];
  onResult: (result: { ok: true; text: string } | { ok: false; text: string }) => void;
}

/**
 * A member's role, changed on selection. Lowering your own role asks first,
 * because it cannot be undone without someone else's help.
 */
export function RoleSelect({ orgId, member, grantableRoles, onResult }: RoleSelectProps) {
  const [value, setValue] = useState<Role>(member.role);
  const [confirming, setConfirming] = useState(false);
  const { pending, formRef, onSubmit } = useActionForm(changeRoleAction, {
    onSuccess: (data) => onResult({ ok: true, text: `${member.email} is now ${ROLE_LABELS[data.role]}.` }),
    onFailure: (failure) => {
      setValue(member.role);
      onResult({ ok: false, text: failure.message });
    },
  });
  const id = `role-${member.id}`;
  const editable = member.manageable && !member.lastOwner;
  const options = editable ? grantableRoles : [member.role];

  function submit(form: HTMLFormElement | null) {
    form?.requestSubmit();
  }

  return (
    <form
      ref={formRef}
      onSubmit={onSubmit}
      className="flex items-center gap-2"
    >
      <HiddenFields fields={{ orgId, memberId: member.id }} />
      <label htmlFor={id} className="sr-only">
        Role for {member.email}
      </label>
      <Select
        id={id}
        name="role"
        value={value}
        disabled={!editable}
        aria-busy={pending || undefined}
        className="w-36"
        onChange={(event) => {
          const next = event.target.value as Role;
          setValue(next);
          if (member.isMe && ROLE_RANK[next] < ROLE_RANK[member.role]) setConfirming(true);
          else submit(event.target.form);
        }}
      >
        {options.map((role) => (
          <option key={role} value={role}>
            {ROLE_LABELS[role]}
          </option>
        ))}
      </Select>
      {pending ? <Spinner className="text-zinc-400" /> : null}
      <Dialog
        open={confirming}
        onClose={() => {
          if (confirming) setValue(member.role);
          setConfirming(false);
        }}
        title="Lower your own role?"
        description={`You will become ${ROLE_LABELS[value]} and lose the permissions of ${ROLE_LABELS[member.role]} at once. Only another member can give them back.`}
      >
        <div className="flex justify-end gap-2">
          <Button
            onClick={() => {
              setValue(member.role);
              setConfirming(false);
            }}
          >
            Cancel
          </Button>
          <Button
            variant="danger"
            onClick={() => {
              setConfirming(false);
              submit(formRef.current);
            }}
          >
            Change my role
          </Button>
        </div>
      </Dialog>
    </form>
  );
}
