"use client";

import { useState } from "react";
import { fieldErrorsOf } from "./key-draft";

/**
 * A form's errors per field: what the user is typing is checked at once (the
 * shared zod rules), and the server's error for a field shows until that field
 * is edited again. Anything the server says about no one field is `form`.
 */
export function useFieldErrors(fields: readonly string[], serverErrors: Record<string, string>) {
  const [client, setClient] = useState<Record<string, string | undefined>>({});
  const [edited, setEdited] = useState<ReadonlySet<string>>(new Set());
  const server = fieldErrorsOf(serverErrors, fields);
  return {
    error: (field: string): string | undefined => client[field] ?? (edited.has(field) ? undefined : server[field]),
    /** A field's issue as typed; it hides the server's error for that field. */
    check: (field: string, issue: string | undefined) => {
      setClient((current) => ({ ...current, [field]: issue }));
      setEdited((current) => new Set(current).add(field));
    },
    /** Before sending: the issues of every field; true when there are none. */
    checkAll: (issues: Record<string, string | undefined>): boolean => {
      setClient(issues);
      setEdited(new Set());
      return Object.values(issues).every((issue) => !issue);
    },
    formError: server.form,
  };
}
