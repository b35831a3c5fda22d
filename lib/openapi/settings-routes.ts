import { projectParams } from "@/lib/projects/schemas";
import { orgSettingsDto, orgSettingsPatch, projectSettingsDto, projectSettingsPatch } from "@/lib/settings/schemas";
import { defineRoute, type RouteEntry } from "./route-spec";

const AUDITED =
  "Audited with the before and after values of the fields that changed; a patch that changes nothing records nothing. Unknown fields and an empty patch answer 422.";

/** Security and data-handling settings of an org and a project's overrides: sessions only, no API keys. */
export const SETTINGS_ROUTES: readonly RouteEntry[] = [
  defineRoute({
    method: "GET",
    path: "/api/v1/orgs/{orgId}/settings",
    operationId: "getOrgSettings",
    summary: "Get the org's security and data settings",
    description: "Retention, what is stored, semantic cache, SSO enforcement, MFA for owners and admins, allowed email domains and provider-key mode. Defaults: nothing stored, retention 30 days, audit retention 365 days, MFA required of owners and admins.",
    tags: ["Settings"],
    door: "withOrg",
    permission: "settings.read",
    response: orgSettingsDto,
  }),
  defineRoute({
    method: "PATCH",
    path: "/api/v1/orgs/{orgId}/settings",
    operationId: "updateOrgSettings",
    summary: "Change the org's security and data settings",
    description: `Any of the fields. \`retentionDays\` 1–3650, \`auditRetentionDays\` 90–3650; \`allowedEmailDomains\` at most 100 domain names, stored lower-case with internationalised names as punycode, deduplicated (no wildcards, schemes or addresses; \`[]\` admits any domain). \`providerKeyMode\` says where the gateway takes provider keys from (\`BYOK_ONLY\`: the caller's \`X-Provider-Key\` only; \`VAULT_ONLY\`: the vaulted key only, the header refused; \`EITHER\`: the header when sent, else the vaulted key), for every project that does not override it. \`requireMfaForAdmins\` (default true): owners and admins act in the org only from a session that passed MFA (\`mfa_required\`); \`enforceSso\`: members only from a session of the org's identity provider, owners with MFA excepted (audited break-glass). Turning either off needs an MFA check within the last 10 minutes (\`mfa_step_up_required\`). Storage and key-mode changes reach the gateway at once on this instance, within 5 seconds on the others. ${AUDITED}`,
    tags: ["Settings"],
    door: "withOrg",
    permission: "settings.manage",
    body: orgSettingsPatch,
    response: orgSettingsDto,
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/orgs/{orgId}/projects/{projectId}/settings",
    operationId: "getProjectSettings",
    summary: "Get a project's data settings",
    description: "For retention, each storage switch and the provider-key mode: the project's own `value` (null = inherit), the org's (`inherited`) and the one that applies (`effective`).",
    tags: ["Settings"],
    door: "withOrg",
    permission: "settings.read",
    params: projectParams,
    response: projectSettingsDto,
  }),
  defineRoute({
    method: "PATCH",
    path: "/api/v1/orgs/{orgId}/projects/{projectId}/settings",
    operationId: "updateProjectSettings",
    summary: "Override or reset a project's data settings",
    description: `Any of \`retentionDays\` (1–3650), \`storePrompts\`, \`storeResponses\`, \`storeInternalDebug\`, \`providerKeyMode\` (\`BYOK_ONLY\`, \`VAULT_ONLY\` or \`EITHER\`); \`null\` inherits the org's value again. Storage and key-mode changes reach the gateway at once on this instance, within 5 seconds on the others. ${AUDITED}`,
    tags: ["Settings"],
    door: "withOrg",
    permission: "settings.manage",
    params: projectParams,
    body: projectSettingsPatch,
    response: projectSettingsDto,
  }),
];
