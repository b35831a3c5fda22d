import "server-only";
import type { NextAuthOptions, User } from "next-auth";
import type { OAuthConfig } from "next-auth/providers/oauth";
import type { NextRequest } from "next/server";
import { authOptions } from "@/lib/auth/options";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { requestMeta, type RequestMeta } from "@/lib/security/request-meta";
import { oidcSignInConfig, type OidcSignInConfig } from "./sign-in-connections";
import { idpHttpOptions } from "./discovery";
import { linkSsoSignIn, recordSsoFailure, SsoSignInError, type LinkedUser } from "./link";
import { authOrigin, OIDC_PROVIDER_PREFIX, oidcProviderId, ssoStartPath } from "./urls";

/**
 * next-auth options for one request to /api/auth/*. For the sign-in start and
 * the callback of an OIDC connection (`signin/oidc-<connectionId>`,
 * `callback/oidc-<connectionId>`), the options carry that connection as an
 * OIDC provider built from the database: the endpoints of its stored
 * discovery document (next-auth does not rediscover), its opened client
 * secret, PKCE + state + nonce, the ID token's claims merged with userinfo's
 * (an ID token may carry no email). On the callback, the identity is linked
 * by lib/sso/link.ts and the session gets amr "sso" and sso {orgId,
 * connectionId}. Every other request gets the base options unchanged.
 *
 * Failures at the callback before linking (state or PKCE cookies of another
 * connection, a code the IdP refuses, an ID token that does not verify, an
 * error from the IdP) are audited as auth.sso.failed on the connection's org
 * with the reason, and the browser is sent to /sso/{orgSlug}?error=… rather
 * than next-auth's generic error.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AuthRequest {
  options: NextAuthOptions;
  /** Post-process next-auth's response (audit and redirect on failure). */
  finish(response: Response): Promise<Response>;
}

/** `signin/oidc-<id>` or `callback/oidc-<id>`: the action and connection id; null for anything else. */
export function oidcRoute(segments: readonly string[] | undefined): { action: "signin" | "callback"; connectionId: string } | null {
  const [action, providerId, ...rest] = segments ?? [];
  if ((action !== "signin" && action !== "callback") || rest.length || !providerId?.startsWith(OIDC_PROVIDER_PREFIX)) return null;
  const connectionId = providerId.slice(OIDC_PROVIDER_PREFIX.length);
  return UUID.test(connectionId) ? { action, connectionId: connectionId.toLowerCase() } : null;
}

/** The signing algorithm to expect on ID tokens: RS256 where offered (the OIDC default), else the first offered. */
function idTokenAlg(config: OidcSignInConfig): string {
  const offered = (config.discovery.id_token_signing_alg_values_supported ?? []).filter((alg) => alg !== "none");
  return offered.length === 0 || offered.includes("RS256") ? "RS256" : offered[0]!;
}

function tokenAuthMethod(config: OidcSignInConfig): "client_secret_basic" | "client_secret_post" {
  const offered = config.discovery.token_endpoint_auth_methods_supported;
  return !offered || offered.includes("client_secret_basic") || !offered.includes("client_secret_post") ? "client_secret_basic" : "client_secret_post";
}

interface Claims extends Record<string, unknown> {
  sub?: string;
  email?: string;
  email_verified?: unknown;
  name?: string;
  iss?: unknown;
}

export function oidcProvider(config: OidcSignInConfig): OAuthConfig<Claims> {
  const d = config.discovery;
  return {
    id: oidcProviderId(config.connectionId),
    name: "Single sign-on",
    type: "oauth",
    issuer: config.issuer,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    idToken: true,
    checks: ["pkce", "state", "nonce"],
    authorization: { url: d.authorization_endpoint, params: { scope: "openid email profile", response_type: "code" } },
    token: { url: d.token_endpoint },
    jwks_endpoint: d.jwks_uri,
    userinfo: {
      url: d.userinfo_endpoint,
      // The ID token's claims (verified by openid-client: signature, iss, aud,
      // nonce, expiry) win; userinfo fills in what it lacks, such as email.
      // openid-client refuses userinfo whose `sub` differs from the ID token's.
      async request({ tokens, client }) {
        // next-auth types `tokens` as plain parameters; at run time it is openid-client's TokenSet.
        const set = tokens as unknown as { claims(): Claims; access_token?: string };
        const claims = set.claims();
        if (!d.userinfo_endpoint || !set.access_token) return claims;
        const info = (await client.userinfo(set as unknown as Parameters<typeof client.userinfo>[0])) as Claims;
        return { ...info, ...Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined && v !== null)) };
      },
    },
    client: { id_token_signed_response_alg: idTokenAlg(config), token_endpoint_auth_method: tokenAuthMethod(config) },
    httpOptions: idpHttpOptions(),
    profile(claims) {
      return {
        id: String(claims.sub ?? ""),
        email: typeof claims.email === "string" ? claims.email : null,
        name: typeof claims.name === "string" ? claims.name : null,
      };
    },
  };
}

/** A reason for the audit log out of next-auth's / openid-client's error. */
export function callbackFailureReason(message: string, idpError: string | null): string {
  if (idpError) return "idp_error";
  if (/different provider/i.test(message)) return "response_for_another_connection";
  if (/cookie was missing|could not be parsed/i.test(message)) return "missing_sign_in_state";
  if (/state mismatch|nonce mismatch|checks\.(state|nonce)/i.test(message)) return "state_mismatch";
  if (/invalid_grant|invalid_client|unauthorized_client/i.test(message)) return "code_rejected";
  if (/unexpected (iss|aud|alg)|failed to validate JWT signature|id_token|JWT/i.test(message)) return "id_token_invalid";
  if (/code_verifier|pkce/i.test(message)) return "pkce_failed";
  return "callback_failed";
}

function errorMessage(metadata: unknown): string {
  const error = (metadata as { error?: unknown })?.error ?? metadata;
  if (error instanceof Error) return error.message;
  return typeof error === "string" ? error : "";
}

/** next-auth's redirect for a failed sign-in start or callback (to its own error route or the error page). */
function isErrorRedirect(location: string | null): boolean {
  if (!location) return false;
  const url = URL.parse(location, "http://gatehouse.invalid");
  return url !== null && (url.pathname === "/api/auth/error" || (url.pathname === "/sign-in" && url.searchParams.has("error")));
}

function redirect(location: string, from: Response): Response {
  const headers = new Headers(from.headers);
  headers.set("Location", location);
  return new Response(null, { status: 302, headers });
}

/**
 * A connection that cannot be used (deleted, disabled, its org deleted, its
 * discovery or secret unusable): where it was known, the failure is audited
 * on its org and the browser goes back to the org's SSO page.
 */
async function unavailable(connectionId: string, action: "signin" | "callback", meta: RequestMeta): Promise<Response> {
  const row = await db.ssoConnection.findUnique({ where: { id: connectionId }, select: { orgId: true, protocol: true, org: { select: { slug: true, deletedAt: true } } } });
  if (!row || row.org.deletedAt) return Response.redirect(`${authOrigin()}/sign-in?error=SsoUnavailable`, 302);
  if (action === "callback") await recordSsoFailure({ orgId: row.orgId, connectionId, reason: "connection_unavailable", protocol: row.protocol, request: meta });
  return Response.redirect(`${authOrigin()}${errorPath(row.org.slug, "connection_unavailable")}`, 302);
}

function errorPath(orgSlug: string, reason: string): string {
  return `${ssoStartPath(orgSlug)}?error=${encodeURIComponent(reason)}`;
}

/**
 * The options for this request and what to do with next-auth's answer.
 * `segments` are the catch-all's params (`["callback", "oidc-…"]`).
 */
export async function authRequest(req: NextRequest, segments: readonly string[] | undefined): Promise<AuthRequest | Response> {
  const base = authOptions();
  const route = oidcRoute(segments);
  if (!route) return { options: base, finish: async (response) => response };
  const meta = requestMeta(req.headers, env().TRUSTED_PROXY_HOPS);

  let config: OidcSignInConfig | null;
  try {
    config = await oidcSignInConfig(route.connectionId);
  } catch (error) {
    log.error("sso connection could not be loaded", { requestId: meta.requestId, connectionId: route.connectionId, error });
    config = null;
  }
  if (!config) return unavailable(route.connectionId, route.action, meta);
  const connection = config;

  const providerId = oidcProviderId(connection.connectionId);
  let linked: LinkedUser | null = null;
  let refused = false;
  let lastError = "";

  const baseCallbacks = base.callbacks ?? {};
  const options: NextAuthOptions = {
    ...base,
    providers: [...base.providers, oidcProvider(connection)],
    logger: {
      error(code, metadata) {
        lastError = `${code}: ${errorMessage(metadata)}`.slice(0, 500);
        log.warn("sso sign-in error", { requestId: meta.requestId, connectionId: connection.connectionId, code, message: errorMessage(metadata).slice(0, 300) });
      },
      warn(code) {
        log.debug("next-auth warning", { code });
      },
      debug() {},
    },
    callbacks: {
      ...baseCallbacks,
      async signIn(params) {
        if (params.account?.provider !== providerId) return baseCallbacks.signIn ? baseCallbacks.signIn(params) : true;
        const claims = (params.profile ?? {}) as Claims;
        try {
          linked = await linkSsoSignIn({
            orgId: connection.orgId,
            connectionId: connection.connectionId,
            // The issuer the ID token named (openid-client checked it equals the connection's).
            issuer: typeof claims.iss === "string" ? claims.iss : connection.issuer,
            subject: typeof claims.sub === "string" ? claims.sub : "",
            email: typeof claims.email === "string" ? claims.email : null,
            emailVerified: typeof claims.email_verified === "boolean" ? claims.email_verified : claims.email_verified === "false" ? false : null,
            name: typeof claims.name === "string" ? claims.name : null,
            request: meta,
          });
          return true;
        } catch (error) {
          refused = true;
          if (error instanceof SsoSignInError) return errorPath(connection.orgSlug, error.reason);
          log.error("sso linking failed", { requestId: meta.requestId, connectionId: connection.connectionId, error });
          return errorPath(connection.orgSlug, "internal_error");
        }
      },
      async jwt(params) {
        const baseJwt = baseCallbacks.jwt ?? (({ token }) => token);
        if (params.account?.provider !== providerId || !params.user) return baseJwt(params);
        if (!linked) throw new Error("SSO sign-in without a linked user");
        const user: User = { id: linked.userId, email: linked.email, name: linked.name };
        const { mfaAt: _dropped, ...token } = await baseJwt({ ...params, user });
        return { ...token, sub: linked.userId, amr: "sso", sso: { orgId: connection.orgId, connectionId: connection.connectionId } };
      },
    },
  };

  return {
    options,
    async finish(response) {
      if (refused || !isErrorRedirect(response.headers.get("Location"))) return response;
      if (route.action === "signin") return redirect(errorPath(connection.orgSlug, "start_failed"), response);
      const idpError = req.nextUrl.searchParams.get("error");
      const reason = callbackFailureReason(lastError, idpError);
      await recordSsoFailure({
        orgId: connection.orgId,
        connectionId: connection.connectionId,
        reason,
        protocol: "OIDC",
        request: meta,
        detail: idpError ? `${idpError}: ${req.nextUrl.searchParams.get("error_description") ?? ""}` : lastError,
      });
      return redirect(errorPath(connection.orgSlug, reason), response);
    },
  };
}
