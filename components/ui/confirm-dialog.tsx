"use client";

import { useState, type ReactNode } from "react";
import type { Action } from "@/lib/security/org-action";
import { FormError, HiddenFields } from "@/components/forms/form-error";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button, type ButtonSize, type ButtonVariant } from "./button";
import { Dialog } from "./dialog";

interface ConfirmDialogProps<T> {
  /** The button that opens the dialog. */
  trigger: { label: ReactNode; ariaLabel?: string; variant?: ButtonVariant; size?: ButtonSize; disabled?: boolean; title?: string };
  title: ReactNode;
  description?: ReactNode;
  confirmLabel: string;
  tone?: "danger" | "primary";
  action: Action<T>;
  /** Hidden inputs the action needs. */
  fields: Record<string, string>;
  /** Extra controls inside the form, given the field errors of the last attempt. */
  children?: (fieldErrors: Record<string, string>) => ReactNode;
  confirmDisabled?: boolean;
  onOpenChange?: (open: boolean) => void;
  onSuccess?: (data: T) => void;
  /** Re-render the server components after success (default true). */
  refresh?: boolean;
}

/**
 * A button that opens a modal confirmation; confirming runs a server action.
 * The form mounts only while open, so every opening starts clean.
 */
export function ConfirmDialog<T>({ trigger, title, description, onOpenChange, ...form }: ConfirmDialogProps<T>) {
  const [open, setOpen] = useState(false);
  const change = (next: boolean) => {
    setOpen(next);
    onOpenChange?.(next);
  };
  return (
    <>
      <Button
        variant={trigger.variant ?? "secondary"}
        size={trigger.size ?? "sm"}
        disabled={trigger.disabled}
        title={trigger.title}
        aria-label={trigger.ariaLabel}
        aria-haspopup="dialog"
        onClick={() => change(true)}
      >
        {trigger.label}
      </Button>
      <Dialog open={open} onClose={() => change(false)} title={title} description={description}>
        <ConfirmForm {...form} onClose={() => change(false)} />
      </Dialog>
    </>
  );
}

type ConfirmFormProps<T> = Omit<ConfirmDialogProps<T>, "trigger" | "title" | "description" | "onOpenChange"> & { onClose: () => void };

function ConfirmForm<T>({ action, fields, children, confirmLabel, tone = "danger", confirmDisabled, onSuccess, refresh, onClose }: ConfirmFormProps<T>) {
  const { pending, formRef, onSubmit, fieldErrors, failure } = useActionForm(action, {
    refresh,
    onSuccess: (data) => {
      onClose();
      onSuccess?.(data);
    },
  });
  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-4">
      <HiddenFields fields={fields} />
      {children?.(fieldErrors)}
      <FormError failure={failure} />
      <div className="flex justify-end gap-2 pt-1">
        <Button onClick={onClose}>Cancel</Button>
        <Button type="submit" variant={tone === "danger" ? "danger" : "primary"} pending={pending} disabled={confirmDisabled}>
          {confirmLabel}
        </Button>
      </div>
    </form>
  );
}
