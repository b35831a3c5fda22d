"use client";

import { useState, type FormEvent, type ReactNode, type Ref } from "react";
import type { Action, ActionResult } from "@/lib/security/org-action";
import { FormError, HiddenFields } from "@/components/forms/form-error";
import { useActionCall } from "@/components/forms/use-action-call";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button, type ButtonSize, type ButtonVariant } from "./button";
import { Dialog } from "./dialog";

/**
 * What the action is called with: hidden form fields, or a structured input
 * for values FormData cannot carry (such as `confirm: true`).
 */
type Submission = { fields: Record<string, string>; input?: never } | { input: Record<string, unknown>; fields?: never };

type ConfirmDialogProps<T> = Submission & {
  /** The button that opens the dialog. */
  trigger: { label: ReactNode; ariaLabel?: string; variant?: ButtonVariant; size?: ButtonSize; disabled?: boolean; title?: string };
  title: ReactNode;
  description?: ReactNode;
  confirmLabel: string;
  tone?: "danger" | "primary";
  action: Action<T>;
  /** Extra controls inside the form, given the field errors of the last attempt. */
  children?: (fieldErrors: Record<string, string>) => ReactNode;
  confirmDisabled?: boolean;
  onOpenChange?: (open: boolean) => void;
  onSuccess?: (data: T) => void;
  /** Re-render the server components after success (default true). */
  refresh?: boolean;
};

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
        {form.input ? <InputConfirmForm {...form} input={form.input} onClose={() => change(false)} /> : <FieldsConfirmForm {...form} fields={form.fields ?? {}} onClose={() => change(false)} />}
      </Dialog>
    </>
  );
}

type ConfirmFormProps<T> = Omit<ConfirmDialogProps<T>, "trigger" | "title" | "description" | "onOpenChange" | "fields" | "input"> & { onClose: () => void };

function FieldsConfirmForm<T>({ action, fields, refresh, onSuccess, ...body }: ConfirmFormProps<T> & { fields: Record<string, string> }) {
  const { pending, formRef, onSubmit, fieldErrors, failure } = useActionForm(action, {
    refresh,
    onSuccess: (data) => {
      body.onClose();
      onSuccess?.(data);
    },
  });
  return (
    <ConfirmFormBody {...body} formRef={formRef} onSubmit={onSubmit} pending={pending} fieldErrors={fieldErrors} failure={failure} hidden={<HiddenFields fields={fields} />} />
  );
}

function InputConfirmForm<T>({ action, input, refresh, onSuccess, ...body }: ConfirmFormProps<T> & { input: Record<string, unknown> }) {
  const { pending, run, fieldErrors, failure } = useActionCall(action, {
    refresh,
    onSuccess: (data) => {
      body.onClose();
      onSuccess?.(data);
    },
  });
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    run(input);
  }
  return <ConfirmFormBody {...body} onSubmit={onSubmit} pending={pending} fieldErrors={fieldErrors} failure={failure} />;
}

interface ConfirmFormBodyProps {
  formRef?: Ref<HTMLFormElement>;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  pending: boolean;
  fieldErrors: Record<string, string>;
  failure: Extract<ActionResult<unknown>, { ok: false }> | null;
  confirmLabel: string;
  tone?: "danger" | "primary";
  confirmDisabled?: boolean;
  /** Hidden inputs, first in the form. */
  hidden?: ReactNode;
  children?: (fieldErrors: Record<string, string>) => ReactNode;
  onClose: () => void;
}

function ConfirmFormBody({ formRef, onSubmit, pending, fieldErrors, failure, confirmLabel, tone = "danger", confirmDisabled, hidden, children, onClose }: ConfirmFormBodyProps) {
  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-4">
      {hidden}
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
