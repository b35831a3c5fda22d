import { z } from "zod";
import { ROLES } from "@/lib/security/permissions";

/**
 * SCIM configuration as the management API, the console actions and the
 * console forms see it: tokens (never their secret after creation), the
 * default role of provisioned members, the deprovisioning key policy and the
 * group-to-role mapping.
 */
export const MAX_ACTIVE_SCIM_TOKENS = 10;
/** Where identity providers reach SCIM 2.0, below the app's origin. */
export const SCIM_BASE_PATH = "/scim/v2";

export const scimTokenName = z
  .string("A name")
  .trim()
  .min(1, "Required")
  .max(80, "At most 80 characters")
  .regex(/^[^\p{Cc}]*$/u, "No control characters");

export const createScimTokenInput = z.strictObject({ name: scimTokenName });
export type CreateScimTokenInput = z.output<typeof createScimTokenInput>;

export const scimTokenParams = z.object({ tokenId: z.uuid() });

const iso = z.date().transform((d) => d.toISOString());

export const scimTokenDto = z.object({
  id: z.uuid(),
  name: z.string(),
  /** Tag and first characters of the token, and its last four: enough to tell tokens apart, never to use one. */
  prefix: z.string(),
  last4: z.string(),
  status: z.enum(["active", "revoked"]),
  createdBy: z.string().nullable(),
  createdAt: iso,
  /** Updated at most once a minute. */
  lastUsedAt: iso.nullable(),
  revokedAt: iso.nullable(),
});
export type ScimTokenView = z.input<typeof scimTokenDto>;
export const scimTokenListDto = z.object({ data: z.array(scimTokenDto) });
/** The only answer that ever carries the token: its creation. */
export const scimTokenWithSecretDto = scimTokenDto.extend({ token: z.string() });

/** Roles SCIM may give: never OWNER (owners are managed in the console only). */
export const SCIM_ROLES = ROLES.filter((role) => role !== "OWNER") as Exclude<(typeof ROLES)[number], "OWNER">[];
export type ScimRole = (typeof SCIM_ROLES)[number];
export const scimRole = z.enum(SCIM_ROLES as [ScimRole, ...ScimRole[]], "One of ADMIN, DEVELOPER, VIEWER");

export const DEPROVISION_KEY_POLICIES = ["REVOKE", "FLAG"] as const;
export type DeprovisionKeyPolicy = (typeof DEPROVISION_KEY_POLICIES)[number];

export const scimSettingsPatch = z
  .strictObject({
    scimDefaultRole: scimRole,
    deprovisionKeyPolicy: z.enum(DEPROVISION_KEY_POLICIES, "REVOKE or FLAG"),
  })
  .partial()
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), "Nothing to change");
export type ScimSettingsPatch = z.output<typeof scimSettingsPatch>;

/** A group's mapped role; null: membership in the group sets no role. */
export const scimGroupRoleInput = z.strictObject({ groupId: z.uuid(), role: scimRole.nullable() });

export const scimGroupDto = z.object({
  id: z.uuid(),
  displayName: z.string(),
  externalId: z.string().nullable(),
  role: scimRole.nullable(),
  members: z.number().int(),
  updatedAt: iso,
});
export type ScimGroupView = z.input<typeof scimGroupDto>;

export const scimSettingsDto = z.object({
  scimDefaultRole: z.enum(ROLES),
  deprovisionKeyPolicy: z.enum(DEPROVISION_KEY_POLICIES),
});
