import type { z } from "zod";
import type { ApiKeyScope } from "@/lib/api-keys/schemas";
import { GATEWAY_ERROR_STATUS, type GatewayErrorCode } from "@/lib/gateway/errors";
import type { PolicyName } from "@/lib/ratelimit/policies";
import { ERROR_STATUS, type ErrorCode } from "@/lib/security/errors";
import { SCOPE_PERMISSIONS, type KeyScope, type Permission } from "@/lib/security/permissions";

/**
 * One entry of the API registry: what a route handler under app/api/v1 does,
 * which door it goes through and with which schemas. `defineRoute` fills in
 * what follows from the door (how callers authenticate, the rate-limit policy,
 * the error codes the pipeline itself can answer) so entries state only what
 * is particular to their route.
 */
export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export type AuthKind = "session" | "apiKey";

/** Codes an SDK caller can also see: the gateway's own upstream failures (client_closed never reaches a client). */
export type ApiErrorCode = ErrorCode | Exclude<GatewayErrorCode, "client_closed">;

export function errorStatus(code: ApiErrorCode): number {
  return code in ERROR_STATUS ? ERROR_STATUS[code as ErrorCode] : GATEWAY_ERROR_STATUS[code as GatewayErrorCode];
}

export interface HeaderParam {
  name: string;
  required: boolean;
  description: string;
  schema: z.ZodType;
}

type Access =
  | { door: "withOrg" | "withOrgOrKey"; permission: Permission }
  | { door: "withUser" | "withPublic" }
  | { door: "withApiKey"; scope: ApiKeyScope };

export type Door = Access["door"];

export type RouteSpec = Access & {
  method: HttpMethod;
  /** OpenAPI path template: `/api/v1/orgs/{orgId}/…`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: readonly string[];
  /** Route params besides `orgId`, exactly as the route file passes them to its door. */
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The JSON answer on success. */
  response?: z.ZodType;
  /** The data of each `text/event-stream` event, when the route can stream instead. */
  stream?: z.ZodType;
  /** A file answered instead of JSON: its media types, and what it holds. */
  download?: { mediaTypes: readonly string[]; description: string };
  headers?: readonly HeaderParam[];
  status?: number;
  rateLimit?: PolicyName | false;
  /** Codes the route's own domain code can answer, beyond those of its door. */
  errors?: readonly ApiErrorCode[];
};

export type RouteEntry = RouteSpec & {
  status: number;
  rateLimit: PolicyName | false;
  /** How a caller may authenticate: any one of these. */
  auth: readonly AuthKind[];
  /** API-key scopes that reach this route (for withOrgOrKey, those whose permissions include the route's). */
  keyScopes: readonly string[];
  /** Every error code the route can answer, door and domain together. */
  errors: readonly ApiErrorCode[];
};

const AUTH: Record<Door, readonly AuthKind[]> = {
  withOrg: ["session"],
  withOrgOrKey: ["session", "apiKey"],
  withUser: ["session"],
  withPublic: [],
  withApiKey: ["apiKey"],
};

const DEFAULT_LIMIT: Record<Door, PolicyName | false> = {
  withOrg: "management",
  withOrgOrKey: "management",
  withUser: "management",
  withPublic: false,
  withApiKey: "apiKey",
};

const SESSION_ERRORS = ["unauthenticated", "session_expired", "account_disabled"] as const;
/** An org's session policies (lib/security/authorize.ts): MFA for owners and admins, enforced SSO. */
const ORG_POLICY_ERRORS = ["mfa_required", "sso_required"] as const;
const KEY_ERRORS = ["invalid_api_key", "api_key_revoked", "api_key_expired", "api_key_rotated", "ip_not_allowed", "origin_not_allowed", "insufficient_scope"] as const;

function doorErrors(spec: RouteSpec, rateLimit: PolicyName | false): ApiErrorCode[] {
  const writes = spec.method !== "GET";
  const session = [...SESSION_ERRORS, ...(writes ? (["csrf_failed"] as const) : [])];
  const byDoor: Record<Door, readonly ApiErrorCode[]> = {
    withOrg: [...session, ...ORG_POLICY_ERRORS, "not_found", "forbidden"],
    withOrgOrKey: [...session, ...ORG_POLICY_ERRORS, ...KEY_ERRORS, "not_found", "forbidden"],
    withUser: session,
    withPublic: [],
    withApiKey: ["missing_api_key", ...KEY_ERRORS],
  };
  const input = spec.params || spec.query || spec.body ? (["validation_failed"] as const) : [];
  const body = spec.body ? (["invalid_json", "payload_too_large", "unsupported_media_type"] as const) : [];
  return [...byDoor[spec.door], ...(rateLimit === false ? [] : (["rate_limited"] as const)), ...input, ...body, "internal_error"];
}

function keyScopes(spec: RouteSpec): string[] {
  if (spec.door === "withApiKey") return [spec.scope];
  if (spec.door !== "withOrgOrKey") return [];
  const permission = spec.permission;
  return (Object.keys(SCOPE_PERMISSIONS) as KeyScope[]).filter((scope) => (SCOPE_PERMISSIONS[scope] as readonly Permission[]).includes(permission));
}

export function defineRoute(spec: RouteSpec): RouteEntry {
  const rateLimit = spec.rateLimit ?? DEFAULT_LIMIT[spec.door];
  const errors = [...new Set([...doorErrors(spec, rateLimit), ...(spec.errors ?? [])])];
  errors.sort((a, b) => errorStatus(a) - errorStatus(b) || a.localeCompare(b));
  return { ...spec, status: spec.status ?? 200, rateLimit, auth: AUTH[spec.door], keyScopes: keyScopes(spec), errors };
}
