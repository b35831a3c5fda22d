import type { z } from "zod";
import { checkLines } from "@/components/forms/line-check";
import { MAX_KEY_RATE_LIMIT, type ApiKeyScope, type apiKeyDto } from "@/lib/api-keys/schemas";
import { canonicalCidr } from "@/lib/net/cidr";
import { canonicalOrigin } from "@/lib/net/origin";

/** A key as the console receives it: dates as ISO strings, never a secret. */
export type KeyRow = z.output<typeof apiKeyDto>;

export const SCOPE_INFO = {
  chat: { label: "chat", text: "Chat completions through the gateway (POST /api/v1/chat/completions)." },
  models: { label: "models", text: "List the models the gateway can route to (GET /api/v1/models)." },
  "management:read": { label: "management:read", text: "Read this project and its API keys through the management API." },
  "management:write": { label: "management:write", text: "Create, change, rotate and revoke this project's API keys through the management API." },
} as const satisfies Record<ApiKeyScope, { label: string; text: string }>;

export const EXPIRY_CHOICES = [
  { value: "never", label: "Never" },
  { value: "30", label: "In 30 days" },
  { value: "90", label: "In 90 days" },
  { value: "365", label: "In 365 days" },
  { value: "custom", label: "On a date…" },
] as const;
/** "keep" leaves an existing expiry as it is (edit only). */
export type ExpiryChoice = (typeof EXPIRY_CHOICES)[number]["value"] | "keep";

/** What the key form holds while the user types. */
export interface KeyDraft {
  name: string;
  description: string;
  scopes: ApiKeyScope[];
  expiry: ExpiryChoice;
  /** yyyy-mm-dd, for expiry "custom". */
  expiryDate: string;
  ips: string;
  origins: string;
  rateLimit: string;
}

const DAY_MS = 24 * 60 * 60 * 1_000;

export function emptyDraft(): KeyDraft {
  return { name: "", description: "", scopes: ["chat", "models"], expiry: "never", expiryDate: "", ips: "", origins: "", rateLimit: "" };
}

export function draftFromKey(key: KeyRow): KeyDraft {
  return {
    name: key.name,
    description: key.description ?? "",
    scopes: [...key.scopes],
    expiry: key.expiresAt ? "keep" : "never",
    expiryDate: "",
    ips: key.ipAllowlist.join("\n"),
    origins: key.allowedOrigins.join("\n"),
    rateLimit: key.rateLimit === null ? "" : String(key.rateLimit),
  };
}

export const checkIps = (text: string) => checkLines(text, canonicalCidr);
export const checkOrigins = (text: string) => checkLines(text, canonicalOrigin);

/** The first day a custom expiry may take: tomorrow (UTC). */
export function minExpiryDate(now = new Date()): string {
  return new Date(now.getTime() + DAY_MS).toISOString().slice(0, 10);
}

interface KeyValues {
  name: string;
  description: string;
  scopes: ApiKeyScope[];
  /** undefined: unchanged ("keep"). */
  expiresAt: string | null | undefined;
  ipAllowlist: string[];
  allowedOrigins: string[];
  rateLimit: number | null;
}

/**
 * The draft as action input, or the errors that stop it from being sent. The
 * server checks everything again; these are the checks worth a round trip less.
 */
export function readDraft(draft: KeyDraft): { values: KeyValues; errors: null } | { values: null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const name = draft.name.trim();
  if (!name) errors.name = "Required";
  if (draft.scopes.length === 0) errors.scopes = "Choose at least one scope";

  let expiresAt: string | null | undefined;
  if (draft.expiry === "keep") expiresAt = undefined;
  else if (draft.expiry === "never") expiresAt = null;
  else if (draft.expiry === "custom") {
    const end = draft.expiryDate ? new Date(`${draft.expiryDate}T23:59:59.999Z`) : null;
    if (!end || Number.isNaN(end.getTime())) errors.expiresAt = "Choose a date";
    else if (end.getTime() <= Date.now()) errors.expiresAt = "Choose a date in the future";
    else expiresAt = end.toISOString();
  } else expiresAt = new Date(Date.now() + Number(draft.expiry) * DAY_MS).toISOString();

  const ips = checkIps(draft.ips);
  const badIp = ips.find((entry) => entry.canonical === null);
  if (badIp) errors.ipAllowlist = `Line ${badIp.line} is not an IP address or CIDR range`;
  const origins = checkOrigins(draft.origins);
  const badOrigin = origins.find((entry) => entry.canonical === null);
  if (badOrigin) errors.allowedOrigins = `Line ${badOrigin.line} is not an origin`;

  let rateLimit: number | null = null;
  if (draft.rateLimit.trim() !== "") {
    const n = Number(draft.rateLimit);
    if (!Number.isInteger(n) || n < 1 || n > MAX_KEY_RATE_LIMIT) errors.rateLimit = `A whole number from 1 to ${MAX_KEY_RATE_LIMIT}`;
    else rateLimit = n;
  }

  if (Object.keys(errors).length > 0) return { values: null, errors };
  return {
    values: {
      name,
      description: draft.description.trim(),
      scopes: [...draft.scopes].sort(),
      expiresAt,
      ipAllowlist: [...new Set(ips.map((entry) => entry.canonical!))].sort(),
      allowedOrigins: [...new Set(origins.map((entry) => entry.canonical!))].sort(),
      rateLimit,
    },
    errors: null,
  };
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((value, i) => value === b[i]);

/** Only the fields that differ from the key as stored (lists compared in canonical, sorted form). */
export function patchFrom(key: KeyRow, values: KeyValues): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  if (values.name !== key.name) patch.name = values.name;
  if (values.description !== (key.description ?? "")) patch.description = values.description;
  if (!sameList(values.scopes, [...key.scopes].sort())) patch.scopes = values.scopes;
  if (values.expiresAt !== undefined && !(values.expiresAt === null && key.expiresAt === null)) patch.expiresAt = values.expiresAt;
  if (!sameList(values.ipAllowlist, [...key.ipAllowlist].sort())) patch.ipAllowlist = values.ipAllowlist;
  if (!sameList(values.allowedOrigins, [...key.allowedOrigins].sort())) patch.allowedOrigins = values.allowedOrigins;
  if (values.rateLimit !== key.rateLimit) patch.rateLimit = values.rateLimit;
  return patch;
}

/**
 * Server field errors keyed by the form's fields: `patch.` dropped, list items
 * (`ipAllowlist.2`) folded onto their list.
 */
export function formErrors(fieldErrors: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, message] of Object.entries(fieldErrors)) {
    const field = path.replace(/^patch\.?/, "").split(".")[0] || "form";
    out[field] ??= message;
  }
  return out;
}

/** Move focus to the first field marked invalid, once the errors have rendered. */
export function focusFirstInvalid(form: HTMLFormElement | null): void {
  requestAnimationFrame(() => form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
}
