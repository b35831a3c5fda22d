import type { z } from "zod";
import type { Provider } from "@/lib/gateway/types";
import { providerKeyLabel, providerKeySecret, type providerKeyDto } from "@/lib/vault/schemas";

/** A vaulted key as the console receives it: dates as ISO strings, never the secret. */
export type ProviderKeyRow = z.output<typeof providerKeyDto>;

/** A project the org-wide or per-project scope can name. */
export interface ProjectOption {
  id: string;
  name: string;
}

export const PROVIDER_LABELS = { openai: "OpenAI", anthropic: "Anthropic" } as const satisfies Record<Provider, string>;

/** The first issue of a zod check, or undefined when the value passes. Never repeats the value itself. */
function issueOf(schema: z.ZodType, value: string): string | undefined {
  const parsed = schema.safeParse(value);
  return parsed.success ? undefined : (parsed.error.issues[0]?.message ?? "Invalid");
}

/** The same rules the server applies (lib/vault/schemas.ts), checked while the user types. */
export const labelIssue = (value: string) => issueOf(providerKeyLabel, value);
export const secretIssue = (value: string) => issueOf(providerKeySecret, value);

/** "Org-wide" or the project's name. */
export const scopeOf = (key: Pick<ProviderKeyRow, "projectId" | "projectName">) => (key.projectId ? (key.projectName ?? "A deleted project") : "Org-wide");

/** The scope inside a sentence: "every project of the org" or "project Gateway App". */
export const scopePhrase = (key: Pick<ProviderKeyRow, "projectId" | "projectName">) => (key.projectId ? `project ${scopeOf(key)}` : "every project of the org");

/**
 * Server field errors by form field: the action's own inputs (`label`,
 * `secret`, `provider`, `projectId`) keep their name, anything else → `form`.
 */
export function fieldErrorsOf(serverErrors: Record<string, string>, fields: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, message] of Object.entries(serverErrors)) {
    const field = path.split(".")[0] ?? "form";
    out[fields.includes(field) ? field : "form"] ??= message;
  }
  return out;
}

export function focusFirstInvalid(form: HTMLFormElement | null) {
  requestAnimationFrame(() => form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
}
