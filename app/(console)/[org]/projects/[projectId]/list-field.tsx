"use client";

import type { ReactNode } from "react";
import { Field } from "@/components/ui/field";
import { controlClasses } from "@/components/ui/input";
import { cx } from "@/components/ui/cx";
import type { CheckedLine } from "./key-draft";

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
  const summary =
    checked.length === 0
      ? null
      : invalid.length === 0
        ? `${checked.length} valid ${checked.length === 1 ? "entry" : "entries"}.`
        : `${invalid.length} invalid: line${invalid.length === 1 ? "" : "s"} ${invalid.map((entry) => entry.line).join(", ")}.`;
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
          <ul className="max-h-28 space-y-0.5 overflow-y-auto text-xs">
            {checked.map((entry) => (
              <li key={entry.line} className="flex min-w-0 items-baseline gap-1.5">
                <span aria-hidden="true" className={entry.canonical ? "text-emerald-600" : "text-red-600"}>
                  {entry.canonical ? "✓" : "✗"}
                </span>
                {entry.canonical ? (
                  <span className="min-w-0 truncate">
                    <code className="text-xs text-zinc-900">{entry.canonical}</code>
                    {entry.canonical !== entry.text ? <span className="text-zinc-500"> (from {entry.text})</span> : null}
                  </span>
                ) : (
                  <span className="min-w-0 truncate text-red-700">
                    Line {entry.line}: <code className="text-xs">{entry.text}</code> is not {expected}
                  </span>
                )}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </Field>
  );
}
