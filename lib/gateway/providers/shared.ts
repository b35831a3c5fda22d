import { failureOutcome, gatewayError, upstreamErrorOutcome } from "../errors";
import type { CallOptions, ErrorOutcome } from "../types";
import { classifyUpstreamError, discard, readJson, upstreamClient, type UpstreamRequest, type UpstreamResponse } from "../upstream";

/** What both adapters do with an upstream response before reading it as theirs. */

/** The outcome for a status that is not a success (the provider's error, or ours for a redirect); null on 2xx. */
export async function errorFrom(res: UpstreamResponse, apiKey: string, signal?: AbortSignal): Promise<ErrorOutcome | null> {
  if (res.statusCode >= 200 && res.statusCode < 300) return null;
  if (res.statusCode < 400) {
    discard(res);
    return gatewayError("upstream_invalid_response");
  }
  try {
    return upstreamErrorOutcome(res.statusCode, await readJson(res, signal), apiKey);
  } catch (error) {
    return failureOutcome(classifyUpstreamError(error, signal));
  }
}

export function isEventStream(res: UpstreamResponse): boolean {
  const type = res.headers["content-type"];
  return (Array.isArray(type) ? type.join(",") : (type ?? "")).toLowerCase().includes("text/event-stream");
}

/** Any failure on the way to the provider, as an outcome. */
export function toFailure(error: unknown, signal?: AbortSignal): ErrorOutcome {
  return failureOutcome(classifyUpstreamError(error, signal));
}

const isOutcome = (value: UpstreamResponse | ErrorOutcome): value is ErrorOutcome => "kind" in value;

/**
 * One request to the provider: a transport failure or an error answer comes
 * back as an outcome, anything else as the 2xx response (a stream, when
 * `stream` asks for one, checked to be an event stream).
 */
export async function exchange(
  request: Omit<UpstreamRequest, "signal" | "timeoutMs">,
  apiKey: string,
  options: CallOptions,
  stream = false,
): Promise<UpstreamResponse | ErrorOutcome> {
  let res: UpstreamResponse;
  try {
    res = await (options.client ?? upstreamClient()).request({ ...request, signal: options.signal, timeoutMs: options.timeoutMs });
  } catch (error) {
    return toFailure(error, options.signal);
  }
  const failed = await errorFrom(res, apiKey, options.signal);
  if (failed) return failed;
  if (stream && !isEventStream(res)) {
    discard(res);
    return gatewayError("upstream_invalid_response");
  }
  return res;
}

/** The JSON body of a provider's answer, or the request's outcome when there is none to read. */
export async function exchangeJson(
  request: Omit<UpstreamRequest, "signal" | "timeoutMs">,
  apiKey: string,
  options: CallOptions,
): Promise<{ payload: unknown; status: number } | ErrorOutcome> {
  const res = await exchange(request, apiKey, options);
  if (isOutcome(res)) return res;
  try {
    return { payload: await readJson(res, options.signal), status: res.statusCode };
  } catch (error) {
    return toFailure(error, options.signal);
  }
}

export { isOutcome };
