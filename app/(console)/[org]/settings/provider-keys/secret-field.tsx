"use client";

import type { RefObject } from "react";
import type { ActionResult } from "@/lib/security/org-action";
import { FormError } from "@/components/forms/form-error";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, describedBy } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { secretIssue } from "./key-draft";

interface SecretFieldProps {
  id: string;
  label: string;
  inputRef: RefObject<HTMLInputElement | null>;
  error?: string;
  /** The field's issue as the user types (undefined: valid or still empty). */
  onCheck: (issue: string | undefined) => void;
}

/**
 * A provider key's secret: a password input the page never controls, so the
 * value lives only in the input (no React state, no value attribute) until the
 * form reads it once on submit and clears it.
 */
export function SecretField({ id, label, inputRef, error, onCheck }: SecretFieldProps) {
  const hint = "Printable characters without spaces, as the provider issued it. It is encrypted at once and never shown again; only its fingerprint and last four characters are.";
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      <Input
        ref={inputRef}
        id={id}
        name="secret"
        type="password"
        required
        autoComplete="new-password"
        spellCheck={false}
        autoCapitalize="none"
        autoCorrect="off"
        maxLength={512}
        className="font-mono"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error ? undefined : hint, error)}
        onChange={(event) => onCheck(event.target.value === "" ? undefined : secretIssue(event.target.value))}
      />
    </Field>
  );
}

interface SecretFormFooterProps {
  /** Whether the form has sent a secret (it empties the field each time). */
  sent: boolean;
  failure: Extract<ActionResult<unknown>, { ok: false }> | null;
  /** The server's error about no one field, if any. */
  formError?: string;
  pending: boolean;
  submitLabel: string;
  onCancel: () => void;
}

/** The end of a form with a SecretField: why the secret is empty again after a failure, the form's error, Cancel and submit. */
export function SecretFormFooter({ sent, failure, formError, pending, submitLabel, onCancel }: SecretFormFooterProps) {
  return (
    <>
      {sent && failure ? (
        <Alert tone="info" live="none">
          The secret field is emptied after every attempt: enter the key again.
        </Alert>
      ) : null}
      {formError ? <Alert tone="error">{formError}</Alert> : <FormError failure={failure} />}
      <div className="flex justify-end gap-2 pt-1">
        <Button onClick={onCancel} disabled={pending}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" pending={pending}>
          {submitLabel}
        </Button>
      </div>
    </>
  );
}
