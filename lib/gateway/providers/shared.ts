import { failureOutcome, gatewayError, upstreamErrorOutcome } from "../errors";
import type { ErrorOutcome } from "../types";
import { classifyUpstreamError, discard, readJson, type UpstreamResponse } from "../upstream";

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
