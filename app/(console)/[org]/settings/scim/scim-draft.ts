import type { z } from "zod";
import type { scimGroupDto, scimSettingsDto, scimTokenDto, scimTokenWithSecretDto } from "@/lib/scim/schemas";

/** What the SCIM page's client components receive: dates as ISO strings, never a token after its creation. */
export type ScimTokenRow = z.output<typeof scimTokenDto>;
export type CreatedScimToken = z.output<typeof scimTokenWithSecretDto>;
export type ScimGroupRow = z.output<typeof scimGroupDto>;
export type ScimSettingsValues = z.output<typeof scimSettingsDto>;

export const KEY_POLICY_TEXT = {
  REVOKE: "Revoke them at once. The member's integrations stop working; nothing they left behind keeps access.",
  FLAG: "Flag them for review. They keep working and show “Creator deprovisioned” in the project's key list until an admin acts.",
} as const;
