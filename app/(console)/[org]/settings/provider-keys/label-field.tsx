"use client";

import { TextField } from "@/components/ui/field";
import { labelIssue } from "./key-draft";

interface LabelFieldProps {
  id: string;
  value: string;
  onChange: (value: string) => void;
  /** The field's issue as the user types (undefined: valid). */
  onCheck: (issue: string | undefined) => void;
  error?: string;
  placeholder?: string;
  hint?: string;
}

/** A provider key's label, checked with the shared rule as the user types. */
export function LabelField({ id, value, onChange, onCheck, error, placeholder, hint }: LabelFieldProps) {
  return (
    <TextField
      id={id}
      label="Label"
      value={value}
      onChange={(event) => {
        onChange(event.target.value);
        onCheck(labelIssue(event.target.value));
      }}
      required
      maxLength={80}
      autoComplete="off"
      placeholder={placeholder}
      hint={hint}
      error={error}
    />
  );
}
