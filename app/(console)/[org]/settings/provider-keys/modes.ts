import type { ProviderKeyMode } from "@/lib/settings/schemas";

/** The org's provider-key modes as the console names and explains them. */
export const PROVIDER_KEY_MODE_INFO = {
  EITHER: {
    label: "Either",
    text: "The vaulted key, unless the caller sends its own in the X-Provider-Key header; with neither, the request is refused.",
  },
  BYOK_ONLY: {
    label: "Bring your own key only",
    text: "Callers must send their provider key in the X-Provider-Key header with every request; nothing vaulted is used.",
  },
  VAULT_ONLY: {
    label: "Vault only",
    text: "Only vaulted keys are used; a request that sends an X-Provider-Key header is refused.",
  },
} as const satisfies Record<ProviderKeyMode, { label: string; text: string }>;
