"use client";

import type { ReactNode } from "react";
import { Field } from "@/components/ui/field";
import { controlClasses } from "@/components/ui/input";
import { cx } from "@/components/ui/cx";
import { CheckedLines } from "@/components/forms/checked-lines";
import { linesSummary, type CheckedLine } from "@/components/forms/line-check";

interface ListFieldProps {
  id: string;
  label: ReactNode;
  hint: ReactNode;
  value: string;
  onChange: (value: string) => void;
  /** Each line as checked by the caller (canonical form or null). */
  checked: CheckedLine[];
  /** What an invalid line should have been: "an IP address or CIDR range". */
  expected: string;
  placeholder?: string;
  error?: string;
}

/**
 * One entry per line, checked as the user types: each line is shown in the
 * canonical form it will be stored in, or marked as invalid.
 */
export function ListField({ id, label, hint, value, onChange, checked, expected, placeholder, error }: ListFieldProps) {
  const invalid = checked.filter((entry) => entry.canonical === null);
  const summary = checked.length === 0 ? null : linesSummary(checked, ["entry", "entries"]);
  const describedBy = [error ? `${id}-error` : `${id}-hint`, summary ? `${id}-status` : null].filter(Boolean).join(" ");
  return (
    <Field id={id} label={label} error={error}>
      <textarea
        id={id}
        value={value}
        rows={3}
        spellCheck={false}
        autoCapitalize="none"
        autoComplete="off"
        placeholder={placeholder}
        aria-invalid={error || invalid.length > 0 ? true : undefined}
        aria-describedby={describedBy}
        onChange={(event) => onChange(event.target.value)}
        className={cx(controlClasses, "min-h-18 resize-y py-2 font-mono text-xs leading-5")}
      />
      {error ? null : (
        <p id={`${id}-hint`} className="text-xs text-zinc-500">
          {hint}
        </p>
      )}
      {summary ? (
        <div className="space-y-1">
          <p id={`${id}-status`} aria-live="polite" className={cx("text-xs", invalid.length ? "font-medium text-red-700" : "text-zinc-500")}>
            {summary}
          </p>
          <CheckedLines checked={checked} expected={expected} className="max-h-28" />
        </div>
      ) : null}
    </Field>
  );
}
