import type { ComponentProps, ReactNode } from "react";
import { cx } from "./cx";
import { Input } from "./input";
import { Select } from "./select";

/** The ids a field's hint and error live under, for aria-describedby. */
export function describedBy(id: string, hint?: ReactNode, error?: string): string | undefined {
  const ids = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

interface FieldProps {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  className?: string;
  children: ReactNode;
}

/** A label above a control, with an optional hint and the field's error below it. */
export function Field({ id, label, hint, error, className, children }: FieldProps) {
  return (
    <div className={cx("space-y-1.5", className)}>
      <label htmlFor={id} className="block text-[0.8125rem] font-medium text-zinc-800">
        {label}
      </label>
      {children}
      {hint && !error ? (
        <p id={`${id}-hint`} className="text-xs text-zinc-500">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="flex items-start gap-1 text-xs font-medium text-red-700">
          <svg className="mt-px size-3.5 shrink-0" viewBox="0 0 20 20" fill="currentColor" aria-hidden="true">
            <path
              fillRule="evenodd"
              d="M18 10a8 8 0 1 1-16 0 8 8 0 0 1 16 0Zm-8-5a.75.75 0 0 1 .75.75v4.5a.75.75 0 0 1-1.5 0v-4.5A.75.75 0 0 1 10 5Zm0 10a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z"
              clipRule="evenodd"
            />
          </svg>
          {error}
        </p>
      ) : null}
    </div>
  );
}

type TextFieldProps = Omit<ComponentProps<"input">, "id"> & { id: string; label: ReactNode; hint?: ReactNode; error?: string; fieldClassName?: string };

export function TextField({ id, label, hint, error, fieldClassName, ...input }: TextFieldProps) {
  return (
    <Field id={id} label={label} hint={hint} error={error} className={fieldClassName}>
      <Input id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint && !error ? hint : undefined, error)} {...input} />
    </Field>
  );
}

type SelectFieldProps = Omit<ComponentProps<"select">, "id"> & { id: string; label: ReactNode; hint?: ReactNode; error?: string; fieldClassName?: string };

export function SelectField({ id, label, hint, error, fieldClassName, children, ...select }: SelectFieldProps) {
  return (
    <Field id={id} label={label} hint={hint} error={error} className={fieldClassName}>
      <Select id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint && !error ? hint : undefined, error)} {...select}>
        {children}
      </Select>
    </Field>
  );
}
