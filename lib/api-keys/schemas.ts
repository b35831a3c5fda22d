import { z } from "zod";
import { canonicalCidr } from "@/lib/net/cidr";
import { canonicalOrigin } from "@/lib/net/origin";

/**
 * What an API key may be used for. `chat` and `models` are the SDK endpoints;
 * the management scopes let automation call the management API for the key's
 * own project (permissions in lib/security/permissions.ts, SCOPE_PERMISSIONS).
 */
export const API_KEY_SCOPES = ["chat", "models", "management:read", "management:write"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export const MAX_GRACE_SECONDS = 7 * 24 * 60 * 60;
export const DEFAULT_GRACE_SECONDS = 24 * 60 * 60;
const MAX_EXPIRY_MS = 3 * 366 * 24 * 60 * 60 * 1_000;
export const MAX_KEY_RATE_LIMIT = 100_000;

const uniqueSorted = (values: string[]) => [...new Set(values)].sort();

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `At most ${max} characters`)
    .transform((value) => (value === "" ? null : value));

export const apiKeyName = z
  .string()
  .trim()
  .min(1, "Required")
  .max(80, "At most 80 characters")
  .regex(/^[^\p{Cc}]*$/u, "No control characters");

export const scopeList = z
  .array(z.enum(API_KEY_SCOPES))
  .min(1, "Choose at least one scope")
  .transform((scopes) => uniqueSorted(scopes) as ApiKeyScope[]);

export const ipAllowlist = z
  .array(z.string().trim())
  .max(100, "At most 100 entries")
  .transform((entries, ctx) => {
    const out: string[] = [];
    entries.forEach((entry, index) => {
      const canonical = canonicalCidr(entry);
      if (canonical) out.push(canonical);
      else ctx.addIssue({ code: "custom", path: [index], message: `"${entry.slice(0, 60)}" is not an IP address or CIDR range` });
    });
    return uniqueSorted(out);
  });

export const allowedOrigins = z
  .array(z.string().trim())
  .max(50, "At most 50 entries")
  .transform((entries, ctx) => {
    const out: string[] = [];
    entries.forEach((entry, index) => {
      const canonical = canonicalOrigin(entry);
      if (canonical) out.push(canonical);
      else
        ctx.addIssue({
          code: "custom",
          path: [index],
          message: `"${entry.slice(0, 60)}" is not an origin like https://app.example.com or https://*.example.com`,
        });
    });
    return uniqueSorted(out);
  });

export const expiresAt = z.iso
  .datetime({ offset: true, message: "An ISO 8601 date-time" })
  .transform((value) => new Date(value))
  .refine((date) => date.getTime() > Date.now(), "Must be in the future")
  .refine((date) => date.getTime() < Date.now() + MAX_EXPIRY_MS, "At most three years ahead")
  .nullable();

export const keyRateLimit = z.int("A whole number").min(1, "At least 1").max(MAX_KEY_RATE_LIMIT, `At most ${MAX_KEY_RATE_LIMIT}`).nullable();

export const createApiKeyInput = z.object({
  name: apiKeyName,
  description: optionalText(500).optional().default(null),
  scopes: scopeList,
  expiresAt: expiresAt.optional().default(null),
  ipAllowlist: ipAllowlist.optional().default([]),
  allowedOrigins: allowedOrigins.optional().default([]),
  /** Requests per minute for this key; null for the default policy. */
  rateLimit: keyRateLimit.optional().default(null),
});
export type CreateApiKeyInput = z.output<typeof createApiKeyInput>;

export const updateApiKeyInput = z
  .object({
    name: apiKeyName,
    description: optionalText(500),
    scopes: scopeList,
    expiresAt,
    ipAllowlist,
    allowedOrigins,
    rateLimit: keyRateLimit,
  })
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, "Nothing to change");
export type UpdateApiKeyInput = z.output<typeof updateApiKeyInput>;

export const rotateApiKeyInput = z.object({
  /** How long the replaced secret keeps working: 0 ends it now; at most 7 days. */
  graceSeconds: z
    .int("A whole number of seconds")
    .min(0, "At least 0")
    .max(MAX_GRACE_SECONDS, "At most 7 days (604800 seconds)")
    .optional()
    .default(DEFAULT_GRACE_SECONDS),
});

export const apiKeyParams = z.object({ projectId: z.uuid(), keyId: z.uuid() });

export const API_KEY_STATUSES = ["active", "expired", "revoked"] as const;
const iso = z.date().transform((d) => d.toISOString());

export const apiKeyDto = z.object({
  id: z.uuid(),
  projectId: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  prefix: z.string(),
  last4: z.string(),
  scopes: z.array(z.enum(API_KEY_SCOPES)),
  ipAllowlist: z.array(z.string()),
  allowedOrigins: z.array(z.string()),
  rateLimit: z.number().int().nullable(),
  status: z.enum(API_KEY_STATUSES),
  expiresAt: iso.nullable(),
  revokedAt: iso.nullable(),
  lastUsedAt: iso.nullable(),
  rotatedAt: iso.nullable(),
  /** Set when the key's creator was deprovisioned through SCIM and the org's key policy is FLAG: the key still works, for an admin to review. */
  flaggedAt: iso.nullable(),
  /** End of the grace window of the secret(s) replaced by the last rotation, while it lasts. */
  previousSecretExpiresAt: iso.nullable(),
  createdAt: iso,
  createdBy: z.string().nullable(),
});
export type ApiKeyView = z.input<typeof apiKeyDto>;

export const apiKeyListDto = z.object({ data: z.array(apiKeyDto) });
/** The only response that ever carries the secret: creation and rotation. */
export const apiKeyWithSecretDto = apiKeyDto.extend({ secret: z.string() });
