"use client";

import type { ReactNode } from "react";
import { Field } from "@/components/ui/field";
import { controlClasses } from "@/components/ui/input";
import { cx } from "@/components/ui/cx";
import { CheckedLines } from "@/components/forms/checked-lines";
import { linesSummary, type CheckedLine } from "@/components/forms/line-check";

interface SwitchProps {
  id: string;
  label: string;
  description: ReactNode;
  checked: boolean;
  disabled?: boolean;
  onChange: (checked: boolean) => void;
}

/** An on/off setting: a checkbox with the switch role, its label and a line saying what it does. */
export function SwitchField({ id, label, description, checked, disabled, onChange }: SwitchProps) {
  return (
    <div className="flex items-start gap-3">
      <input
        id={id}
        type="checkbox"
        role="switch"
        checked={checked}
        disabled={disabled}
        aria-describedby={`${id}-text`}
        onChange={(event) => onChange(event.target.checked)}
        className={cx(
          "mt-0.5 h-5 w-9 shrink-0 cursor-pointer appearance-none rounded-full bg-zinc-300 bg-left bg-no-repeat transition-[background-color,background-position]",
          "[background-image:radial-gradient(circle,#fff_0.5rem,transparent_0.5625rem)] [background-size:1.25rem_1.25rem]",
          "checked:bg-accent-600 checked:bg-right disabled:cursor-not-allowed disabled:opacity-60",
        )}
      />
      <div className="min-w-0 text-[0.8125rem] leading-snug">
        <label htmlFor={id} className="font-medium text-zinc-900">
          {label}
        </label>
        <p id={`${id}-text`} className="text-xs text-zinc-500">
          {description}
        </p>
      </div>
    </div>
  );
}

interface DomainListProps {
  id: string;
  value: string;
  onChange: (value: string) => void;
  checked: CheckedLine[];
  disabled?: boolean;
  error?: string;
}

/** One domain per line, checked as the user types: each line is shown in the form it will be stored in, or marked invalid. */
export function DomainListField({ id, value, onChange, checked, disabled, error }: DomainListProps) {
  const invalid = checked.filter((entry) => entry.canonical === null);
  const summary =
    checked.length === 0
      ? "Any email domain may join."
      : linesSummary(checked, ["domain", "domains"]);
  const describedBy = [error ? `${id}-error` : `${id}-hint`, `${id}-status`].join(" ");
  return (
    <Field id={id} label="Allowed email domains" error={error}>
      <textarea
        id={id}
        value={value}
        rows={4}
        disabled={disabled}
        spellCheck={false}
        autoCapitalize="none"
        autoComplete="off"
        placeholder={"example.com\nexample.org"}
        aria-invalid={error || invalid.length > 0 ? true : undefined}
        aria-describedby={describedBy}
        onChange={(event) => onChange(event.target.value)}
        className={cx(controlClasses, "min-h-24 max-w-md resize-y py-2 font-mono text-xs leading-5")}
      />
      {error ? null : (
        <p id={`${id}-hint`} className="text-xs text-zinc-500">
          One domain per line, such as example.com. Only people with an email address at one of these exact domains can be invited or join (sub.example.com is
          not example.com). Leave empty to allow any domain.
        </p>
      )}
      <p id={`${id}-status`} aria-live="polite" className={cx("text-xs", invalid.length ? "font-medium text-red-700" : "text-zinc-500")}>
        {summary}
      </p>
      {checked.length > 0 ? (
        <CheckedLines checked={checked} expected="a domain such as example.com" label="Domains as they will be stored" className="max-h-32 max-w-md" />
      ) : null}
    </Field>
  );
}
