import { ZodError } from "zod";

/** Every error the API can answer with, and its HTTP status. */
export const ERROR_STATUS = {
  bad_request: 400,
  invalid_json: 400,
  provider_key_missing: 400,
  vault_key_missing: 400,
  unauthenticated: 401,
  session_expired: 401,
  account_disabled: 401,
  mfa_required: 401,
  mfa_step_up_required: 401,
  missing_api_key: 401,
  invalid_api_key: 401,
  api_key_revoked: 401,
  api_key_expired: 401,
  api_key_rotated: 401,
  forbidden: 403,
  sso_required: 403,
  email_domain_not_allowed: 403,
  signup_domain_not_allowed: 403,
  csrf_failed: 403,
  invitation_email_mismatch: 403,
  role_not_allowed: 403,
  ip_not_allowed: 403,
  origin_not_allowed: 403,
  insufficient_scope: 403,
  scope_not_allowed: 403,
  provider_key_not_allowed: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  email_taken: 409,
  already_member: 409,
  last_owner: 409,
  provider_key_exists: 409,
  domain_taken: 409,
  invitation_invalid: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  domain_verification_failed: 422,
  oidc_discovery_failed: 422,
  saml_metadata_invalid: 422,
  rate_limited: 429,
  internal_error: 500,
  upstream_error: 502,
  upstream_unavailable: 502,
  upstream_forbidden: 502,
  service_unavailable: 503,
  vault_unavailable: 503,
  upstream_timeout: 504,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldIssue {
  path: string;
  message: string;
}

const DEFAULT_MESSAGES: Partial<Record<ErrorCode, string>> = {
  unauthenticated: "Sign in to continue.",
  session_expired: "Your session is no longer valid. Sign in again.",
  account_disabled: "This account is disabled.",
  mfa_required: "This organisation requires two-factor authentication of owners and admins: verify (or set up) your authenticator at /mfa.",
  mfa_step_up_required: "This action needs a recent two-factor check: verify your authenticator code at /mfa, then try again.",
  sso_required: "This organisation requires single sign-on.",
  forbidden: "Your role does not allow this action.",
  not_found: "Not found.",
  validation_failed: "Some fields are invalid.",
  rate_limited: "Too many requests. Try again later.",
  internal_error: "Something went wrong on our side.",
  invalid_json: "The request body is not valid JSON.",
  missing_api_key: "Send an API key: Authorization: Bearer ghk1_…",
  invalid_api_key: "The API key is not valid.",
  api_key_revoked: "This API key has been revoked.",
  api_key_expired: "This API key has expired.",
  api_key_rotated: "This API key secret was replaced by a rotation and its grace window has ended. Use the new secret.",
  ip_not_allowed: "This API key may not be used from this IP address.",
  origin_not_allowed: "This API key may not be used from this browser origin.",
  insufficient_scope: "This API key does not have the scope this endpoint needs.",
  scope_not_allowed: "You cannot give a key a scope beyond your own permissions.",
  provider_key_missing: "No provider key: send one in the X-Provider-Key header.",
  vault_key_missing: "No provider key is stored for this provider: add one in the console (Settings → Provider keys).",
  provider_key_not_allowed: "This project uses vaulted provider keys only (VAULT_ONLY): remove the X-Provider-Key header.",
  provider_key_exists: "A live provider key already exists for this provider here: replace it instead.",
  vault_unavailable: "The stored provider key cannot be used right now.",
  payload_too_large: "The request body is too large.",
  domain_taken: "Another organisation has already verified this domain.",
  domain_verification_failed: "The domain's verification record was not found.",
  oidc_discovery_failed: "The issuer's OpenID Connect discovery document could not be used.",
  saml_metadata_invalid: "The SAML IdP metadata could not be read.",
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly issues?: FieldIssue[];
  readonly headers?: Record<string, string>;

  constructor(code: ErrorCode, message?: string, extra?: { issues?: FieldIssue[]; headers?: Record<string, string> }) {
    super(message ?? DEFAULT_MESSAGES[code] ?? code.replaceAll("_", " "));
    this.name = "AppError";
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.issues = extra?.issues;
    this.headers = extra?.headers;
  }
}

export function issuesFromZod(error: ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
}

/** Map anything thrown into an AppError; unknown errors become an opaque 500. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) return new AppError("validation_failed", undefined, { issues: issuesFromZod(error) });
  return new AppError("internal_error");
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; issues?: FieldIssue[]; requestId: string };
}

export function errorBody(error: AppError, requestId: string): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.issues ? { issues: error.issues } : {}),
      requestId,
    },
  };
}
