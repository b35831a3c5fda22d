import {
  createProviderKeyInput,
  providerKeyDto,
  providerKeyListDto,
  providerKeyListQuery,
  providerKeyParams,
  replaceProviderKeyInput,
  rewrapResultDto,
  updateProviderKeyInput,
  vaultStatusDto,
} from "@/lib/vault/schemas";
import { defineRoute, type RouteEntry } from "./route-spec";

const PATH = "/api/v1/orgs/{orgId}/provider-keys";
/** Sensitive: lib/security/step-up.ts. */
const STEP_UP = " Needs an MFA check within the last 10 minutes in this session (step-up): otherwise `mfa_step_up_required`.";

const NO_SECRET = "No answer ever carries a provider key: a key is identified by its `fingerprint` and `last4`.";
const REACH = "The gateway uses the change at once on this instance and within 5 seconds on the others (the bound on its cache of opened keys).";
const AUDITED = (action: string, what = "fingerprint and last four") => `Audited as \`${action}\` with the ${what}, never the key.`;

/**
 * The provider-key vault of the registry: an org's vaulted provider keys (the
 * org's own, or a project's) and its master-key status and re-wrap. Sessions
 * only: no API key reaches these routes, whatever its scopes.
 */
export const VAULT_ROUTES: readonly RouteEntry[] = [
  defineRoute({
    method: "GET",
    path: PATH,
    operationId: "listProviderKeys",
    summary: "List vaulted provider keys",
    description: `The org's keys (\`projectId\` null) and its projects' own keys; \`projectId\` narrows to one project's own keys, \`status\` picks live (default), revoked or all. Live keys first, then by provider, newest first; at most 500. ${NO_SECRET}`,
    tags: ["Provider keys"],
    door: "withOrg",
    permission: "provider_keys.read",
    query: providerKeyListQuery,
    response: providerKeyListDto,
  }),
  defineRoute({
    method: "POST",
    path: PATH,
    operationId: "createProviderKey",
    summary: "Vault a provider key",
    description: `Stores \`secret\` sealed under a data key of its own, itself wrapped by the active master key; the plaintext is never stored, logged or answered (the answer carries its \`fingerprint\` and \`last4\`). \`projectId\` makes it that project's own key, used before the org's; omitted or null, it is the org's key for every project without one. One live key per provider and scope: another answers \`provider_key_exists\` (replace it instead). A project of another org answers 404. ${REACH} ${AUDITED("provider_key.created")}${STEP_UP}`,
    tags: ["Provider keys"],
    door: "withOrg",
    permission: "provider_keys.manage",
    body: createProviderKeyInput,
    response: providerKeyDto,
    status: 201,
    rateLimit: "keyCreation",
    errors: ["provider_key_exists", "mfa_step_up_required"],
  }),
  defineRoute({
    method: "GET",
    path: `${PATH}/{providerKeyId}`,
    operationId: "getProviderKey",
    summary: "Get a vaulted provider key",
    description: `A live or revoked key of this org. ${NO_SECRET}`,
    tags: ["Provider keys"],
    door: "withOrg",
    permission: "provider_keys.read",
    params: providerKeyParams,
    response: providerKeyDto,
  }),
  defineRoute({
    method: "PATCH",
    path: `${PATH}/{providerKeyId}`,
    operationId: "updateProviderKey",
    summary: "Relabel a vaulted provider key",
    description: `Changes the \`label\` only; the secret is changed by a replace. A revoked key cannot be changed (\`conflict\`). ${AUDITED("provider_key.updated", "fingerprint and the label before and after")} A label it already has records nothing.`,
    tags: ["Provider keys"],
    door: "withOrg",
    permission: "provider_keys.manage",
    params: providerKeyParams,
    body: updateProviderKeyInput,
    response: providerKeyDto,
    errors: ["conflict"],
  }),
  defineRoute({
    method: "DELETE",
    path: `${PATH}/{providerKeyId}`,
    operationId: "revokeProviderKey",
    summary: "Revoke a vaulted provider key",
    description: `Erases the ciphertext and its wrapped data key and keeps the record (fingerprint, last four, who set it and when). Answers with the revoked key; revoking twice changes nothing. ${REACH} ${AUDITED("provider_key.revoked")}${STEP_UP}`,
    tags: ["Provider keys"],
    door: "withOrg",
    permission: "provider_keys.manage",
    params: providerKeyParams,
    response: providerKeyDto,
    errors: ["mfa_step_up_required"],
  }),
  defineRoute({
    method: "POST",
    path: `${PATH}/{providerKeyId}/replace`,
    operationId: "replaceProviderKey",
    summary: "Replace a vaulted provider key's secret",
    description: `A new \`secret\` (and optionally a new \`label\`) for the same record, provider and scope, sealed under a new data key; the old secret is gone. A revoked key cannot be replaced (\`conflict\`): vault a new one. ${REACH} ${AUDITED("provider_key.replaced", "fingerprint, last four and label before and after")}${STEP_UP}`,
    tags: ["Provider keys"],
    door: "withOrg",
    permission: "provider_keys.manage",
    params: providerKeyParams,
    body: replaceProviderKeyInput,
    response: providerKeyDto,
    rateLimit: "keyCreation",
    errors: ["conflict", "mfa_step_up_required"],
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/orgs/{orgId}/vault",
    operationId: "getVaultStatus",
    summary: "Get the org's vault status",
    description:
      "The active master key's id (`activeKekId`), the org's live keys counted by the master key that wraps their data keys (the active one first), and how many still wait for a re-wrap (`pending`). Master keys are named by id only, never shown.",
    tags: ["Provider keys"],
    door: "withOrg",
    permission: "provider_keys.read",
    response: vaultStatusDto,
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/orgs/{orgId}/vault/rewrap",
    operationId: "rewrapVault",
    summary: "Re-wrap the org's data keys under the active master key",
    description:
      "After a master-key rotation: each of the org's live data keys still under another master key is re-wrapped under the active one, in batches. Only the wrapped data keys change: the sealed provider keys stay as they are, and none is decrypted or answered. Idempotent: keys already under the active key are not touched, so a second call re-wraps nothing. A key whose master key is missing from the ring, or that fails its integrity check, is left as it is and counted in `failed`. Answers the counts and what is still `pending`. Audited as `vault.rewrapped`, one event per batch with the count and the master-key ids. The whole deployment is re-wrapped with `npm run vault:rewrap`." + STEP_UP,
    tags: ["Provider keys"],
    door: "withOrg",
    permission: "vault.rewrap",
    response: rewrapResultDto,
    rateLimit: "keyCreation",
    errors: ["mfa_step_up_required"],
  }),
];
