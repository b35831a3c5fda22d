"use client";

import type { RefObject } from "react";
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
