/**
 * A post-sign-in destination from the query string, accepted only as a
 * same-origin path: one leading slash, no scheme, no "//" or "/\" host trick,
 * no control characters. The auth pages themselves are not destinations.
 * Anything else falls back.
 */
export function safeCallbackUrl(raw: unknown, fallback = "/"): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (typeof value !== "string" || value.length === 0 || value.length > 2000) return fallback;
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return fallback;
  try {
    const url = new URL(value, "http://gatehouse.invalid");
    if (url.origin !== "http://gatehouse.invalid") return fallback;
    if (/^\/sign-(in|up)(\/|$)/.test(url.pathname)) return fallback;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return fallback;
  }
}

/** A link to an auth page that carries the destination along (omitted when it is just "/"). */
export function withCallback(path: string, callbackUrl: string): string {
  return callbackUrl === "/" ? path : `${path}?callbackUrl=${encodeURIComponent(callbackUrl)}`;
}
