import { auditFilterQuery, type AuditFilters } from "@/lib/audit/schemas";
import { issuesFromZod } from "@/lib/security/errors";

/** The filter form's values, as they stand in the page's URL. */
export interface FilterValues {
  action: string[];
  /** An email or an actor id. */
  actor: string;
  target: string;
  from: string;
  to: string;
}

export type ParsedFilters =
  | { ok: true; values: FilterValues; filters: AuditFilters; /** The same filters as API query parameters. */ apiQuery: Record<string, string> }
  | { ok: false; values: FilterValues; /** Messages by form field. */ errors: Partial<Record<keyof FilterValues, string>> };

const FIELDS: Record<string, keyof FilterValues> = { action: "action", actorEmail: "actor", actorId: "actor", targetId: "target", from: "from", to: "to" };

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.trim() ?? "";

/**
 * The console page's URL (`?action=a&action=b&actor=…&target=…&from=…&to=…`)
 * as the API's filters: several actions comma-separated, an actor with an @
 * as `actorEmail`, any other as `actorId`. Checked by the API's own schema.
 */
export function parseFilterParams(params: Record<string, string | string[] | undefined>): ParsedFilters {
  const raw = params.action;
  const values: FilterValues = {
    action: (Array.isArray(raw) ? raw : raw ? [raw] : []).flatMap((a) => a.split(",")).map((a) => a.trim()).filter(Boolean),
    actor: first(params.actor),
    target: first(params.target),
    from: first(params.from),
    to: first(params.to),
  };
  const apiQuery: Record<string, string> = {};
  if (values.action.length) apiQuery.action = values.action.join(",");
  if (values.actor) apiQuery[values.actor.includes("@") ? "actorEmail" : "actorId"] = values.actor;
  if (values.target) apiQuery.targetId = values.target;
  if (values.from) apiQuery.from = values.from;
  if (values.to) apiQuery.to = values.to;
  const parsed = auditFilterQuery.safeParse(apiQuery);
  if (!parsed.success) {
    const errors: Partial<Record<keyof FilterValues, string>> = {};
    for (const issue of issuesFromZod(parsed.error)) errors[FIELDS[issue.path.split(".")[0]!] ?? "action"] ??= issue.message;
    return { ok: false, values, errors };
  }
  return { ok: true, values, filters: parsed.data, apiQuery };
}
