import SCIMMY from "scimmy";

/**
 * SCIM errors (RFC 7644 §3.12). Thrown as scimmy's own error class, so that
 * scimmy's resource methods pass them through unchanged (anything else thrown
 * inside a handler it turns into a 404), and answered by the SCIM door as
 *
 *     { schemas: [Error], status: "409", scimType: "uniqueness", detail }
 *
 * with the status as a string, as the RFC asks.
 */
export const ScimError = SCIMMY.Types.Error;
export type ScimError = InstanceType<typeof ScimError>;

export const SCIM_ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";

export const SCIM_TYPES = [
  "uniqueness",
  "tooMany",
  "invalidFilter",
  "mutability",
  "invalidSyntax",
  "invalidPath",
  "noTarget",
  "invalidValue",
  "invalidVers",
  "sensitive",
] as const;
export type ScimType = (typeof SCIM_TYPES)[number];

export function scimError(status: number, scimType: ScimType | null, detail: string): ScimError {
  return new ScimError(status, scimType as string, detail);
}

export function isScimError(error: unknown): error is ScimError {
  return error instanceof ScimError;
}

export interface ScimErrorBody {
  schemas: [typeof SCIM_ERROR_SCHEMA];
  status: string;
  scimType?: ScimType;
  detail: string;
}

export function scimErrorBody(status: number, scimType: string | null | undefined, detail: string): ScimErrorBody {
  const known = SCIM_TYPES.find((type) => type === scimType);
  return { schemas: [SCIM_ERROR_SCHEMA], status: String(status), ...(known ? { scimType: known } : {}), detail };
}
