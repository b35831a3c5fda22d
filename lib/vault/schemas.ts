import { z } from "zod";
import { PROVIDERS } from "@/lib/gateway/types";

/**
 * Vaulted provider keys as the API, the server actions and the console forms
 * see them. A view never holds the secret: provider, label, fingerprint and
 * last four, where it applies, who set it and when.
 */
export const providerName = z.enum(PROVIDERS, `One of ${PROVIDERS.join(", ")}`);

export const providerKeyLabel = z
  .string("A label")
  .trim()
  .min(1, "Required")
  .max(80, "At most 80 characters")
  .regex(/^[^\p{Cc}]*$/u, "No control characters");

/** What a provider key looks like on the wire: printable ASCII, no spaces. Never echoed back in an issue. */
export const providerKeySecret = z
  .string("The provider's API key")
  .trim()
  .min(8, "Too short to be a provider key")
  .max(512, "At most 512 characters")
  .regex(/^[\x21-\x7e]+$/, "Printable characters only, without spaces");

export const createProviderKeyInput = z.strictObject({
  provider: providerName,
  label: providerKeyLabel,
  secret: providerKeySecret,
  /** A project's own key; omitted or null: the org's key for every project. */
  projectId: z.uuid("A project id").nullish().transform((v) => v ?? null),
});
export type CreateProviderKeyInput = z.output<typeof createProviderKeyInput>;

export const replaceProviderKeyInput = z.strictObject({
  secret: providerKeySecret,
  label: providerKeyLabel.optional(),
});
export type ReplaceProviderKeyInput = z.output<typeof replaceProviderKeyInput>;

export const updateProviderKeyInput = z.strictObject({ label: providerKeyLabel });
export type UpdateProviderKeyInput = z.output<typeof updateProviderKeyInput>;

export const providerKeyParams = z.object({ providerKeyId: z.uuid() });
export const providerKeyListQuery = z.strictObject({
  projectId: z.uuid("A project id").optional(),
  status: z.enum(["live", "revoked", "all"]).default("live"),
});

const iso = z.date().transform((d) => d.toISOString());

export const providerKeyDto = z.object({
  id: z.uuid(),
  provider: providerName,
  label: z.string(),
  /** null: the org's key, used by every project without its own. */
  projectId: z.uuid().nullable(),
  projectName: z.string().nullable(),
  fingerprint: z.string(),
  last4: z.string(),
  status: z.enum(["live", "revoked"]),
  setBy: z.string().nullable(),
  setAt: iso,
  revokedAt: iso.nullable(),
  createdAt: iso,
});
export type ProviderKeyView = z.input<typeof providerKeyDto>;
export const providerKeyListDto = z.object({ data: z.array(providerKeyDto) });

export const vaultStatusDto = z.object({
  activeKekId: z.string(),
  /** The org's live keys by the master key that wraps their data keys. */
  byKek: z.array(z.object({ kekId: z.string(), count: z.int() })),
  pending: z.int(),
});
export type VaultStatus = z.input<typeof vaultStatusDto>;

export const rewrapResultDto = z.object({ rewrapped: z.int(), failed: z.int(), pending: z.int(), activeKekId: z.string() });
export type RewrapResult = z.input<typeof rewrapResultDto>;
