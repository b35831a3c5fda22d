import { z } from "zod";
import { canonicalDomain } from "@/lib/orgs/email-domains";

/**
 * Security and data-handling settings of an org, and the overrides a project
 * may set. Shared by the API, the server actions and the console forms, which
 * check what the user types against the very rules the server applies.
 */
export const RETENTION_DAYS = { min: 1, max: 3650, default: 30 } as const;
export const AUDIT_RETENTION_DAYS = { min: 90, max: 3650, default: 365 } as const;
export const MAX_EMAIL_DOMAINS = 100;

/**
 * Where the gateway takes provider keys from: the caller's X-Provider-Key
 * header only, the vault only, or either (the header when sent, else the
 * vaulted key). An org setting a project may override.
 */
export const PROVIDER_KEY_MODES = ["BYOK_ONLY", "VAULT_ONLY", "EITHER"] as const;
export type ProviderKeyMode = (typeof PROVIDER_KEY_MODES)[number];

const days = ({ min, max }: { min: number; max: number }) =>
  z.int(`A whole number of days from ${min} to ${max}`).min(min, `At least ${min} days`).max(max, `At most ${max} days`);

export const retentionDays = days(RETENTION_DAYS);
export const auditRetentionDays = days(AUDIT_RETENTION_DAYS);
const toggle = z.boolean("true or false");

/** Each entry canonicalised (lower case, punycode), then deduplicated and sorted; an issue per invalid entry. */
export const allowedEmailDomains = z
  .array(z.string("A domain name").max(300, "At most 300 characters"), "A list of domain names")
  .max(MAX_EMAIL_DOMAINS, `At most ${MAX_EMAIL_DOMAINS} domains`)
  .transform((entries, ctx) => {
    const out = new Set<string>();
    entries.forEach((entry, index) => {
      const canonical = canonicalDomain(entry);
      if (canonical) out.add(canonical);
      else ctx.addIssue({ code: "custom", path: [index], message: `"${entry.slice(0, 60)}" is not a domain such as example.com` });
    });
    return [...out].sort();
  });

export const providerKeyMode = z.enum(PROVIDER_KEY_MODES, "One of BYOK_ONLY, VAULT_ONLY, EITHER");

const hasChange = (patch: Record<string, unknown>) => Object.values(patch).some((value) => value !== undefined);

/** PATCH /settings: any of the fields, at least one, nothing else. */
export const orgSettingsPatch = z
  .strictObject({
    retentionDays,
    auditRetentionDays,
    storePrompts: toggle,
    storeResponses: toggle,
    storeInternalDebug: toggle,
    allowSemanticCache: toggle,
    enforceSso: toggle,
    requireMfaForAdmins: toggle,
    allowedEmailDomains,
    providerKeyMode,
  })
  .partial()
  .refine(hasChange, "Nothing to change");
export type OrgSettingsPatch = z.output<typeof orgSettingsPatch>;
export type OrgSettingsField = keyof OrgSettingsPatch;
export const ORG_SETTINGS_FIELDS = Object.keys(orgSettingsPatch.shape) as OrgSettingsField[];

/** PATCH /projects/{projectId}/settings: each override, `null` to inherit the org's value again. */
export const projectSettingsPatch = z
  .strictObject({
    retentionDays: retentionDays.nullable(),
    storePrompts: toggle.nullable(),
    storeResponses: toggle.nullable(),
    storeInternalDebug: toggle.nullable(),
    providerKeyMode: providerKeyMode.nullable(),
  })
  .partial()
  .refine(hasChange, "Nothing to change");
export type ProjectSettingsPatch = z.output<typeof projectSettingsPatch>;
export type ProjectSettingsField = keyof ProjectSettingsPatch;
export const PROJECT_SETTINGS_FIELDS = Object.keys(projectSettingsPatch.shape) as ProjectSettingsField[];

const iso = z.date().transform((d) => d.toISOString());

export const orgSettingsDto = z.object({
  orgId: z.uuid(),
  retentionDays: z.int(),
  auditRetentionDays: z.int(),
  storePrompts: z.boolean(),
  storeResponses: z.boolean(),
  storeInternalDebug: z.boolean(),
  allowSemanticCache: z.boolean(),
  enforceSso: z.boolean(),
  requireMfaForAdmins: z.boolean(),
  allowedEmailDomains: z.array(z.string()),
  providerKeyMode,
  updatedAt: iso,
});
export type OrgSettingsView = z.input<typeof orgSettingsDto>;

/** One overridable field: the project's own value (null = inherit), the org's, and the one that applies. */
const inherited = <T extends z.ZodType>(value: T) => z.object({ value: value.nullable(), inherited: value, effective: value });

export const projectSettingsDto = z.object({
  projectId: z.uuid(),
  retentionDays: inherited(z.int()),
  storePrompts: inherited(z.boolean()),
  storeResponses: inherited(z.boolean()),
  storeInternalDebug: inherited(z.boolean()),
  providerKeyMode: inherited(providerKeyMode),
  updatedAt: iso,
});
export type ProjectSettingsView = z.input<typeof projectSettingsDto>;
