import type { ErrorOutcome, OpenAIErrorBody } from "./types";

/**
 * The gateway's own failures (as opposed to errors the provider answered
 * with), their HTTP status and the message a client sees. Messages are fixed
 * text: never an address, a URL or a key.
 */
export const GATEWAY_ERROR_STATUS = {
  invalid_request: 400,
  unsupported_parameter: 400,
  client_closed: 499,
  upstream_unavailable: 502,
  upstream_forbidden: 502,
  upstream_invalid_response: 502,
  upstream_timeout: 504,
} as const satisfies Record<string, number>;

export type GatewayErrorCode = keyof typeof GATEWAY_ERROR_STATUS;

const MESSAGES: Record<GatewayErrorCode, string> = {
  invalid_request: "The request is not valid for this provider.",
  unsupported_parameter: "A parameter is not supported for this provider.",
  client_closed: "The client closed the request.",
  upstream_unavailable: "The upstream provider could not be reached.",
  upstream_forbidden: "The upstream address is not allowed by the gateway's network policy.",
  upstream_invalid_response: "The upstream provider sent a response the gateway could not read.",
  upstream_timeout: "The upstream provider did not answer in time.",
};

/** A classified upstream failure; carries no cause text, so nothing from the connection can leak. */
export class GatewayFailure extends Error {
  readonly code: GatewayErrorCode;
  readonly status: number;

  constructor(code: GatewayErrorCode, message?: string) {
    super(message ?? MESSAGES[code]);
    this.name = "GatewayFailure";
    this.code = code;
    this.status = GATEWAY_ERROR_STATUS[code];
  }
}

export function openAIError(message: string, type: string, code: string | null, param: string | null = null): OpenAIErrorBody {
  return { error: { message, type, param, code } };
}

export function failureOutcome(failure: GatewayFailure, param: string | null = null): ErrorOutcome {
  const type = failure.code === "invalid_request" || failure.code === "unsupported_parameter" ? "invalid_request_error" : "gateway_error";
  return { kind: "error", status: failure.status, code: failure.code, body: openAIError(failure.message, type, failure.code, param) };
}

export function gatewayError(code: GatewayErrorCode, message?: string, param: string | null = null): ErrorOutcome {
  return failureOutcome(new GatewayFailure(code, message), param);
}

/**
 * Removes the provider key from upstream error text: verbatim, and in the
 * masked form OpenAI echoes (`sk-proj-****abcd`) — the masked tail still
 * identifies the organisation's key to whoever holds a gateway key.
 */
export function scrubKey(text: string, apiKey: string): string {
  let out = apiKey.length >= 4 ? text.split(apiKey).join("[redacted]") : text;
  out = out.replace(/\b[A-Za-z0-9][A-Za-z0-9_-]*\*{3,}[A-Za-z0-9_-]*/g, "[redacted]");
  return out;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const str = (value: unknown): string | null => (typeof value === "string" ? value : null);

/**
 * An error the provider answered with, in OpenAI's shape with the provider's
 * HTTP status. Accepts OpenAI's `{error:{message,type,param,code}}` and
 * Anthropic's `{type:"error", error:{type,message}}`; anything else (an HTML
 * page from a proxy) becomes a generic message.
 */
export function upstreamErrorOutcome(status: number, payload: unknown, apiKey: string): ErrorOutcome {
  const error = isRecord(payload) && isRecord(payload.error) ? payload.error : null;
  const message = error && str(error.message) ? scrubKey(str(error.message)!, apiKey) : `The upstream provider answered with HTTP ${status}.`;
  const type = (error && str(error.type)) ?? "upstream_error";
  const code = error ? (str(error.code) ?? (typeof error.code === "number" ? String(error.code) : null)) : null;
  const param = error ? str(error.param) : null;
  return { kind: "error", status, code: "upstream_error", body: openAIError(message, type, code, param) };
}
