import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/lib/env";
import { checkRateLimit, rateLimitHeaders } from "@/lib/ratelimit";
import { applySecurityHeaders, newNonce, pageCsp } from "@/lib/security/headers";
import { clientIp, newRequestId } from "@/lib/security/request-meta";

/**
 * Request-wide concerns for pages, the auth routes and the health check:
 * security headers with a per-response CSP nonce, a request id, and a coarse
 * per-IP brake on sign-in and sign-up posts. It is NOT the security boundary:
 * every handler and action authorises itself through lib/security, so a
 * request that skips this proxy meets the same checks.
 */
const SIGN_IN_POSTS = ["/api/auth/callback/credentials", "/api/auth/signin", "/sign-in", "/sign-up"];

export async function proxy(req: NextRequest) {
  const requestId = newRequestId();
  const nonce = newNonce();
  const csp = pageCsp(nonce);

  if (req.method === "POST" && SIGN_IN_POSTS.some((p) => req.nextUrl.pathname.startsWith(p))) {
    const ip = clientIp(req.headers, env().TRUSTED_PROXY_HOPS) ?? "unknown";
    const result = await checkRateLimit("proxySignInIp", `ip:${ip}`);
    if (!result.success) {
      const response = NextResponse.json(
        { error: { code: "rate_limited", message: "Too many sign-in attempts. Try again later.", requestId } },
        { status: 429, headers: rateLimitHeaders(result) },
      );
      response.headers.set("x-request-id", requestId);
      applySecurityHeaders(response.headers, csp);
      return response;
    }
  }

  const requestHeaders = new Headers(req.headers);
  requestHeaders.set("x-request-id", requestId);
  requestHeaders.set("x-nonce", nonce);
  // The page's own path, so a console page that must send the user elsewhere first (MFA) can bring them back.
  requestHeaders.set("x-gatehouse-path", `${req.nextUrl.pathname}${req.nextUrl.search}`);
  requestHeaders.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("x-request-id", requestId);
  applySecurityHeaders(response.headers, csp);
  return response;
}

export const config = {
  // /api/v1/* is the SDK hot path, /api/internal/* the operator routes (metrics, the benchmark's
  // baseline): they stay out of the proxy and get their headers from the pipeline.
  matcher: ["/((?!api/v1/|api/internal/|_next/static|_next/image|favicon.ico|robots.txt).*)"],
};
