import { AppError } from "./errors";

/**
 * Cookie-authenticated writes must come from our own pages. Session cookies are
 * SameSite=Lax already; this refuses a cross-site Origin (or, without Origin, a
 * cross-site Fetch Metadata hint) as a second line.
 */
export function verifySameOrigin(headers: Headers): void {
  const origin = headers.get("origin");
  const host = headers.get("x-forwarded-host") ?? headers.get("host");
  if (origin) {
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      throw new AppError("csrf_failed", "Cross-site request refused.");
    }
    if (!host || originHost !== host) throw new AppError("csrf_failed", "Cross-site request refused.");
    return;
  }
  if (headers.get("sec-fetch-site") === "cross-site") throw new AppError("csrf_failed", "Cross-site request refused.");
}
