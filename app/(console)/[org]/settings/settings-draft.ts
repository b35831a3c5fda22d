import type { z } from "zod";
import { checkLines } from "@/components/forms/line-check";
import { canonicalDomain } from "@/lib/orgs/email-domains";
import {
  auditRetentionDays,
  MAX_EMAIL_DOMAINS,
  ORG_SETTINGS_FIELDS,
  retentionDays,
  type OrgSettingsPatch,
  type orgSettingsDto,
  type ProviderKeyMode,
} from "@/lib/settings/schemas";

/** The org's settings as the console receives them (dates as ISO strings). */
export type OrgSettings = z.output<typeof orgSettingsDto>;

export const TOGGLES = ["storePrompts", "storeResponses", "storeInternalDebug", "allowSemanticCache", "enforceSso", "requireMfaForAdmins"] as const;
export type Toggle = (typeof TOGGLES)[number];

/** What the form holds while the user types: numbers and the domain list as text. */
export type SettingsDraft = Record<Toggle, boolean> & {
  retentionDays: string;
  auditRetentionDays: string;
  domains: string;
  providerKeyMode: ProviderKeyMode;
};

export function draftFrom(settings: OrgSettings): SettingsDraft {
  return {
    retentionDays: String(settings.retentionDays),
    auditRetentionDays: String(settings.auditRetentionDays),
    storePrompts: settings.storePrompts,
    storeResponses: settings.storeResponses,
    storeInternalDebug: settings.storeInternalDebug,
    allowSemanticCache: settings.allowSemanticCache,
    enforceSso: settings.enforceSso,
    requireMfaForAdmins: settings.requireMfaForAdmins,
    domains: settings.allowedEmailDomains.join("\n"),
    providerKeyMode: settings.providerKeyMode,
  };
}

/** Each non-blank line of the domain list with its stored form (lower case, punycode). */
export const checkDomains = (text: string) => checkLines(text, canonicalDomain);

function readDays(text: string, schema: z.ZodType<number>): { value?: number; error?: string } {
  const trimmed = text.trim();
  if (trimmed === "") return { error: "Required" };
  const parsed = schema.safeParse(Number(trimmed));
  return parsed.success ? { value: parsed.data } : { error: parsed.error.issues[0]?.message ?? "Invalid" };
}

/** The draft as the values the API takes, or the error of each field that is not valid yet. */
export function readDraft(draft: SettingsDraft): { values: Required<OrgSettingsPatch> | null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const retention = readDays(draft.retentionDays, retentionDays);
  const audit = readDays(draft.auditRetentionDays, auditRetentionDays);
  if (retention.error) errors.retentionDays = retention.error;
  if (audit.error) errors.auditRetentionDays = audit.error;
  const lines = checkDomains(draft.domains);
  const invalid = lines.filter((entry) => entry.canonical === null);
  const domains = [...new Set(lines.flatMap((entry) => (entry.canonical ? [entry.canonical] : [])))].sort();
  if (invalid.length > 0) errors.allowedEmailDomains = `Line ${invalid.map((entry) => entry.line).join(", ")}: not a domain such as example.com`;
  else if (domains.length > MAX_EMAIL_DOMAINS) errors.allowedEmailDomains = `At most ${MAX_EMAIL_DOMAINS} domains`;
  if (Object.keys(errors).length > 0 || retention.value === undefined || audit.value === undefined) return { values: null, errors };
  return {
    values: {
      retentionDays: retention.value,
      auditRetentionDays: audit.value,
      storePrompts: draft.storePrompts,
      storeResponses: draft.storeResponses,
      storeInternalDebug: draft.storeInternalDebug,
      allowSemanticCache: draft.allowSemanticCache,
      enforceSso: draft.enforceSso,
      requireMfaForAdmins: draft.requireMfaForAdmins,
      allowedEmailDomains: domains,
      providerKeyMode: draft.providerKeyMode,
    },
    errors,
  };
}

/** Only what differs from the saved settings: the API records exactly these fields. */
export function patchFrom(saved: OrgSettings, values: Required<OrgSettingsPatch>): OrgSettingsPatch {
  const changed = ORG_SETTINGS_FIELDS.filter((field) => JSON.stringify(values[field]) !== JSON.stringify(saved[field]));
  return Object.fromEntries(changed.map((field) => [field, values[field]]));
}

/**
 * Server field errors by form field: `patch.allowedEmailDomains.3` → `allowedEmailDomains`
 * (the first message wins), and anything not about one field → `form`.
 */
export function fieldErrorsOf(serverErrors: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, message] of Object.entries(serverErrors)) {
    const field = path.replace(/^patch\.?/, "").split(".")[0] || "form";
    out[(ORG_SETTINGS_FIELDS as readonly string[]).includes(field) ? field : "form"] ??= message;
  }
  return out;
}
