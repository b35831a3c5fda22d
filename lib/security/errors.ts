import { ZodError } from "zod";

/** Every error the API can answer with, and its HTTP status. */
export const ERROR_STATUS = {
  bad_request: 400,
  invalid_json: 400,
  unauthenticated: 401,
  session_expired: 401,
  account_disabled: 401,
  mfa_required: 401,
  forbidden: 403,
  email_domain_not_allowed: 403,
  signup_domain_not_allowed: 403,
  csrf_failed: 403,
  invitation_email_mismatch: 403,
  role_not_allowed: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  email_taken: 409,
  already_member: 409,
  last_owner: 409,
  invitation_invalid: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
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
  forbidden: "Your role does not allow this action.",
  not_found: "Not found.",
  validation_failed: "Some fields are invalid.",
  rate_limited: "Too many requests. Try again later.",
  internal_error: "Something went wrong on our side.",
  invalid_json: "The request body is not valid JSON.",
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
