import Form from "next/form";
import Link from "next/link";
import { AUDIT_ACTIONS } from "@/lib/audit/actions";
import { buttonClasses } from "@/components/ui/button";
import { describedBy, Field, TextField } from "@/components/ui/field";
import { controlClasses } from "@/components/ui/input";
import { cx } from "@/components/ui/cx";
import type { FilterValues } from "./search-params";

/** A day for a date input: the date part of a day or an ISO time in the URL. */
const dayPart = (value: string) => (/^\d{4}-\d{2}-\d{2}/.exec(value)?.[0] ?? "");

/** The filters as a GET form: the URL holds them, so a filtered view can be shared and reloaded. */
export function AuditFiltersForm({ orgSlug, values, errors }: { orgSlug: string; values: FilterValues; errors: Partial<Record<keyof FilterValues, string>> }) {
  return (
    <Form action={`/${orgSlug}/audit`} aria-label="Audit log filters" className="grid gap-4 md:grid-cols-[minmax(14rem,1fr)_2fr]">
      <Field id="audit-action" label="Action" hint="None chosen: every action. Ctrl- or ⌘-click to choose several." error={errors.action} className="md:row-span-2">
        <select
          id="audit-action"
          name="action"
          multiple
          size={7}
          defaultValue={values.action}
          aria-invalid={errors.action ? true : undefined}
          aria-describedby={describedBy("audit-action", !errors.action, errors.action)}
          className={cx(controlClasses, "py-1 font-mono text-xs")}
        >
          {AUDIT_ACTIONS.map((action) => (
            <option key={action} value={action}>
              {action}
            </option>
          ))}
        </select>
      </Field>
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField id="audit-actor" name="actor" label="Actor" placeholder="Email or actor id" defaultValue={values.actor} error={errors.actor} autoComplete="off" />
        <TextField id="audit-target" name="target" label="Target" placeholder="Target id" defaultValue={values.target} error={errors.target} autoComplete="off" />
        <TextField id="audit-from" name="from" type="date" label="From" defaultValue={dayPart(values.from)} error={errors.from} hint="UTC" />
        <TextField id="audit-to" name="to" type="date" label="To" defaultValue={dayPart(values.to)} error={errors.to} hint="UTC, included" />
      </div>
      <div className="flex items-end gap-2 md:col-start-2">
        <button type="submit" className={buttonClasses("primary")}>
          Apply filters
        </button>
        <Link href={`/${orgSlug}/audit`} className={buttonClasses("ghost")}>
          Clear filters
        </Link>
      </div>
    </Form>
  );
}
