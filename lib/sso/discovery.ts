import "server-only";
import { isIP } from "node:net";
import { env } from "@/lib/env";
import { refusesAddress, refusesHostname } from "@/lib/gateway/address-policy";
import { createUpstreamClient, guardedLookup, readJson, type UpstreamClient } from "@/lib/gateway/upstream";
import { AppError } from "@/lib/security/errors";
import { oidcDiscoveryDto, type OidcDiscovery } from "./schemas";

/**
 * OpenID Connect discovery, fetched once when a connection is saved (and on
 * "Refresh"), stored, and handed to next-auth so it never rediscovers.
 *
 * The issuer URL comes from an org admin, so every request Gatehouse makes to
 * the IdP (discovery here; token, keys and userinfo in next-auth) goes
 * through the gateway's network policy: cloud metadata addresses are always
 * refused, loopback/private/link-local ones unless SSO_ALLOW_PRIVATE_ISSUERS
 * (default: allowed outside production, for IdPs on loopback in development
 * and tests). Plain http is accepted only where private addresses are.
 */
export function allowPrivateIssuers(): boolean {
  const e = env();
  return e.SSO_ALLOW_PRIVATE_ISSUERS ?? e.NODE_ENV !== "production";
}

/** The answer of a GET: status and parsed JSON (undefined when not JSON). Tests pass a fake. */
export type DiscoveryFetch = (url: string) => Promise<{ status: number; json: unknown }>;

const MAX_BYTES = 256 * 1024;
const TIMEOUT_MS = 5_000;

const globalForSso = globalThis as unknown as { gatehouseSsoClient?: { allowPrivate: boolean; client: UpstreamClient } };

function client(allowPrivate: boolean): UpstreamClient {
  const cached = globalForSso.gatehouseSsoClient;
  if (cached && cached.allowPrivate === allowPrivate) return cached.client;
  const created = createUpstreamClient({ allowPrivate, timeoutMs: TIMEOUT_MS, connections: 4, connectTimeoutMs: TIMEOUT_MS });
  globalForSso.gatehouseSsoClient = { allowPrivate, client: created };
  return created;
}

/** The default fetch: the guarded HTTP client, no redirects, 5 s, 256 KB. */
export const defaultDiscoveryFetch: DiscoveryFetch = async (url) => {
  const res = await client(allowPrivateIssuers()).request({ method: "GET", url, headers: { accept: "application/json" } });
  return { status: res.statusCode, json: await readJson(res, undefined, MAX_BYTES) };
};

/** Node http options for openid-client (next-auth's `httpOptions`): the same policy at connect time. */
export function idpHttpOptions() {
  return { timeout: TIMEOUT_MS, lookup: guardedLookup(allowPrivateIssuers()) };
}

/** Why a URL the IdP names may not be used, or null when it may. */
export function refusedUrl(raw: string, allowPrivate = allowPrivateIssuers()): string | null {
  const url = URL.parse(raw);
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) return "is not an http(s) URL";
  if (url.username || url.password) return "carries credentials";
  if (url.protocol === "http:" && !allowPrivate) return "is not https";
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (refusesHostname(host)) return "names a cloud metadata address";
  if (isIP(host) !== 0 && refusesAddress(host, allowPrivate)) return "is an address the network policy refuses";
  return null;
}

/** The well-known URL of an issuer: `${issuer}/.well-known/openid-configuration`. */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
}

const sameIssuer = (a: string, b: string) => a.replace(/\/+$/, "") === b.replace(/\/+$/, "");

function fail(message: string): never {
  throw new AppError("oidc_discovery_failed", message);
}

/**
 * Fetch and check an issuer's discovery document: it must name this issuer
 * (a trailing slash aside: the document's spelling is kept, since ID tokens
 * carry it), and the endpoints next-auth needs must be usable URLs.
 */
export async function discover(issuer: string, fetchJson: DiscoveryFetch = defaultDiscoveryFetch): Promise<OidcDiscovery> {
  const problem = refusedUrl(issuer);
  if (problem) fail(`The issuer URL ${problem}.`);
  const url = discoveryUrl(issuer);
  let answer: { status: number; json: unknown };
  try {
    answer = await fetchJson(url);
  } catch (error) {
    const code = (error as { code?: unknown })?.code;
    fail(code === "upstream_forbidden" ? "The issuer's address is refused by the network policy." : `The discovery document at ${url} could not be fetched.`);
  }
  if (answer.status !== 200) fail(`The discovery document at ${url} answered HTTP ${answer.status}.`);
  const parsed = oidcDiscoveryDto.safeParse(answer.json);
  if (!parsed.success) fail(`The document at ${url} is not an OpenID Connect discovery document.`);
  const doc = parsed.data;
  if (!sameIssuer(doc.issuer, issuer)) fail(`The discovery document names another issuer (${doc.issuer.slice(0, 200)}).`);
  for (const [name, value] of [
    ["authorization_endpoint", doc.authorization_endpoint],
    ["token_endpoint", doc.token_endpoint],
    ["jwks_uri", doc.jwks_uri],
    ["userinfo_endpoint", doc.userinfo_endpoint],
  ] as const) {
    if (value === undefined) continue;
    const refused = refusedUrl(value);
    if (refused) fail(`The discovery document's ${name} ${refused}.`);
  }
  if (doc.code_challenge_methods_supported && !doc.code_challenge_methods_supported.includes("S256")) {
    fail("The issuer does not support PKCE with S256.");
  }
  return doc;
}
