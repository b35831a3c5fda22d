import "server-only";
import { randomBytes } from "node:crypto";
import { generateServiceProviderMetadata, SAML, SamlStatusError, ValidateInResponseTo } from "@node-saml/node-saml";
import { z } from "zod";
import { safeCallbackUrl } from "@/app/callback-url";
import { db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { log } from "@/lib/log";
import type { RequestMeta } from "@/lib/security/request-meta";
import { linkSsoSignIn, recordSsoFailure, SsoSignInError, type LinkedUser, type SsoRefusal } from "./link";
import { checkAssertion, identityOf, inspectResponse, NAMEID_EMAIL, readAssertion, SamlRefused, type CheckedAssertion, type ResponseShape, type SamlRefusal } from "./saml-assertion";
import { samlSpUrls } from "./urls";

/**
 * SAML 2.0 Web SSO for an org's SAML connection, with @node-saml/node-saml 5
 * in route handlers (app/api/sso/saml/[connectionId]/…):
 *
 * - metadata: the SP's metadata (entity id = metadata URL, ACS, NameID
 *   format email, assertions signed).
 * - start: an AuthnRequest over the HTTP-Redirect binding; its id is kept in
 *   `saml_requests` for 10 minutes, shared by every instance.
 * - accept (ACS, HTTP-POST binding): the response's shape (saml-assertion.ts),
 *   then the library (signature of the assertion with the connection's
 *   certificates, audience = our entity id, Conditions' window with 60 s of
 *   skew), then our own checks on the signed assertion (issuer = the
 *   connection's IdP entity id, bearer confirmation for our ACS, InResponseTo
 *   of a request this connection started and has not used; IdP-initiated
 *   responses are refused). The assertion id is recorded in
 *   `saml_assertion_uses` and the request consumed in one transaction, so a
 *   replay, or the same response posted twice at once, is refused. Then the
 *   identity is linked by lib/sso/link.ts (verified domains, (org, issuer,
 *   subject)) and the caller mints the session.
 *
 * Every refusal is audited as `auth.sso.failed` with its reason.
 */
export const SAML_CLOCK_SKEW_MS = 60_000;
export const SAML_REQUEST_TTL_MS = 10 * 60_000;
/** Larger responses are refused unread (a real one is a few KB; Entra's with many groups, tens). */
export const MAX_SAML_RESPONSE_BYTES = 256 * 1024;

interface SamlConnection {
  id: string;
  orgId: string;
  orgSlug: string;
  entityId: string;
  ssoUrl: string;
  certificates: string[];
}

type Lookup = { status: "ok"; connection: SamlConnection } | { status: "unavailable"; orgId: string; orgSlug: string } | { status: "unknown" };

const uuid = z.uuid();

/** The connection, when it is a usable SAML connection of a live org. */
async function findConnection(connectionId: string): Promise<Lookup> {
  if (!uuid.safeParse(connectionId).success) return { status: "unknown" };
  const row = await db.ssoConnection.findUnique({
    where: { id: connectionId },
    select: { id: true, orgId: true, protocol: true, enabled: true, samlEntityId: true, samlSsoUrl: true, samlCertificates: true, org: { select: { slug: true, deletedAt: true } } },
  });
  if (!row || row.org.deletedAt || row.protocol !== "SAML") return { status: "unknown" };
  if (!row.enabled || !row.samlEntityId || !row.samlSsoUrl || row.samlCertificates.length === 0) return { status: "unavailable", orgId: row.orgId, orgSlug: row.org.slug };
  return {
    status: "ok",
    connection: { id: row.id, orgId: row.orgId, orgSlug: row.org.slug, entityId: row.samlEntityId, ssoUrl: row.samlSsoUrl, certificates: row.samlCertificates },
  };
}

/** A fresh AuthnRequest id (an xs:ID: starts with an underscore). */
const newRequestId = () => `_${randomBytes(20).toString("hex")}`;

function client(connection: SamlConnection, requestId?: string): SAML {
  const sp = samlSpUrls(connection.id);
  return new SAML({
    issuer: sp.entityId,
    callbackUrl: sp.acsUrl,
    audience: sp.entityId,
    entryPoint: connection.ssoUrl,
    idpCert: connection.certificates,
    idpIssuer: connection.entityId,
    identifierFormat: NAMEID_EMAIL,
    // Most IdPs sign the assertion and not the response around it: the assertion's signature is required.
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    acceptedClockSkewMs: SAML_CLOCK_SKEW_MS,
    // InResponseTo is checked here, against the database and inside the signed assertion (acceptSamlResponse).
    validateInResponseTo: ValidateInResponseTo.never,
    // Whatever the IdP authenticated with (password, MFA, passkey): requesting PasswordProtectedTransport makes Entra refuse MFA sign-ins.
    disableRequestedAuthnContext: true,
    signatureAlgorithm: "sha256",
    ...(requestId ? { generateUniqueId: () => requestId } : {}),
  });
}

/** The SP metadata XML for a SAML connection, or null when there is no such connection. */
export async function samlMetadata(connectionId: string): Promise<string | null> {
  if (!uuid.safeParse(connectionId).success) return null;
  const row = await db.ssoConnection.findFirst({ where: { id: connectionId, protocol: "SAML", org: { deletedAt: null } }, select: { id: true } });
  if (!row) return null;
  const sp = samlSpUrls(row.id);
  return generateServiceProviderMetadata({ issuer: sp.entityId, callbackUrl: sp.acsUrl, identifierFormat: NAMEID_EMAIL, wantAssertionsSigned: true });
}

export type SamlStart = { status: "redirect"; url: string; requestId: string } | { status: "unavailable"; orgSlug: string | null };

/**
 * The browser that starts a sign-in carries its AuthnRequest ids in a cookie
 * scoped to the connection's ACS, and the ACS accepts a response only for a
 * request this browser started: otherwise someone could start a sign-in,
 * authenticate as themselves and have a victim's browser post the response,
 * signing the victim in as them (login CSRF). The IdP posts cross-site, so
 * the cookie is `SameSite=None; Secure`, which browsers keep only on secure
 * origins (HTTPS, or loopback in development); on a plain-HTTP origin the
 * check cannot work and is skipped, which production (HTTPS) never does.
 */
export const SAML_BROWSER_COOKIE = "gatehouse.saml-requests";
const MAX_BOUND_REQUESTS = 5;

/** Whether browsers will keep the binding cookie on this origin. */
export function browserBindingPossible(origin: string): boolean {
  const url = new URL(origin);
  return url.protocol === "https:" || ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
}

/** The request ids a browser's cookie names (newest first). */
export function boundRequests(cookie: string | undefined): string[] {
  return (cookie ?? "").split(".").filter((id) => /^[A-Za-z0-9_-]{1,64}$/.test(id)).slice(0, MAX_BOUND_REQUESTS);
}

/** The cookie value after starting `requestId`: it first, then the browser's other recent ones. */
export function bindRequest(cookie: string | undefined, requestId: string): string {
  return [requestId, ...boundRequests(cookie).filter((id) => id !== requestId)].slice(0, MAX_BOUND_REQUESTS).join(".");
}

/**
 * Start an SP-initiated sign-in: record the AuthnRequest id for this
 * connection (10 minutes), and answer the IdP URL carrying the request
 * (HTTP-Redirect binding) and, as RelayState, where to go afterwards.
 */
export async function startSamlSignIn(connectionId: string, callbackUrl: string | null): Promise<SamlStart> {
  const found = await findConnection(connectionId);
  if (found.status !== "ok") return { status: "unavailable", orgSlug: found.status === "unavailable" ? found.orgSlug : null };
  const connection = found.connection;
  const requestId = newRequestId();
  const now = Date.now();
  await db.$transaction([
    db.samlRequest.deleteMany({ where: { expiresAt: { lt: new Date(now) } } }),
    db.samlRequest.create({ data: { id: requestId, connectionId: connection.id, expiresAt: new Date(now + SAML_REQUEST_TTL_MS) } }),
  ]);
  const relayState = safeCallbackUrl(callbackUrl, "");
  const url = await client(connection, requestId).getAuthorizeUrlAsync(relayState, undefined, {});
  return { status: "redirect", url, requestId };
}

/** node-saml's error, after our shape checks passed, as a refusal reason. */
export function libraryRefusal(error: unknown): SamlRefused {
  if (error instanceof SamlRefused) return error;
  const message = error instanceof Error ? error.message : String(error);
  const detail = message.slice(0, 300);
  if (error instanceof SamlStatusError) return new SamlRefused("idp_error", detail);
  if (/more than one element|does not refer to it's parent|Too many signatures|multiple assertions/i.test(message)) return new SamlRefused("signature_wrapping", detail);
  if (/signature/i.test(message)) return new SamlRefused("bad_signature", detail);
  if (/not yet valid/i.test(message)) return new SamlRefused("not_yet_valid", detail);
  if (/expired/i.test(message)) return new SamlRefused("expired", detail);
  if (/audience/i.test(message)) return new SamlRefused("wrong_audience", detail);
  if (/Missing SAML assertion/i.test(message)) return new SamlRefused("assertion_missing", detail);
  return new SamlRefused("malformed_response", detail);
}

/** The posted SAMLResponse as XML; refused when missing, oversized or not base64. */
function decode(samlResponse: string | null): { base64: string; xml: string } {
  if (!samlResponse) throw new SamlRefused("response_missing", "no SAMLResponse in the form");
  const base64 = samlResponse.replace(/\s+/g, "");
  if (base64.length > Math.ceil((MAX_SAML_RESPONSE_BYTES * 4) / 3) + 4) throw new SamlRefused("malformed_response", "the response is too large");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new SamlRefused("malformed_response", "SAMLResponse is not base64");
  return { base64, xml: Buffer.from(base64, "base64").toString("utf8") };
}

/**
 * One transaction: the assertion id is recorded (a second use of the same
 * id, now or concurrently, fails on the primary key: `replayed`) and the
 * AuthnRequest it answers is consumed (unknown, expired, used or another
 * connection's: `unknown_request`, and the assertion id is not kept). A
 * request this browser did not start (`browserRequests`, when known) is
 * `other_browser`, and stays usable by the browser that did.
 * Expired ids and requests are swept on the way.
 */
async function consume(connectionId: string, assertionId: string, checked: CheckedAssertion, browserRequests: readonly string[] | null): Promise<void> {
  const now = new Date();
  try {
    await db.$transaction(async (tx) => {
      await tx.samlAssertionUse.create({ data: { connectionId, assertionId: assertionId.slice(0, 256), expiresAt: checked.keepUntil } });
      const { count } = await tx.samlRequest.deleteMany({ where: { id: checked.inResponseTo, connectionId, expiresAt: { gt: now } } });
      if (count !== 1) throw new SamlRefused("unknown_request", "InResponseTo names no pending request of this connection");
      if (browserRequests && !browserRequests.includes(checked.inResponseTo)) {
        throw new SamlRefused("other_browser", "the response answers a request this browser did not start");
      }
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new SamlRefused("replayed", `assertion ${assertionId.slice(0, 100)} was already used`);
    throw error;
  }
  await db.samlAssertionUse.deleteMany({ where: { expiresAt: { lt: now } } });
}

export type SamlFailureReason = SamlRefusal | SsoRefusal | "connection_unavailable" | "internal_error";

export type SamlOutcome =
  | { ok: true; user: LinkedUser; orgId: string; orgSlug: string; connectionId: string; redirectTo: string }
  | { ok: false; reason: SamlFailureReason; status: number; orgSlug: string | null };

/** The shape, the library, our checks: the verified assertion's facts, or SamlRefused. */
async function verify(connection: SamlConnection, base64: string, xml: string) {
  const shape: ResponseShape = inspectResponse(xml);
  let signedXml: string | undefined;
  try {
    const { profile } = await client(connection).validatePostResponseAsync({ SAMLResponse: base64 });
    if (!profile) throw new SamlRefused("idp_error", "no profile (a passive sign-in the IdP could not complete)");
    signedXml = profile.getAssertionXml?.();
  } catch (error) {
    throw libraryRefusal(error);
  }
  if (!signedXml) throw new SamlRefused("malformed_response", "the library returned no signed assertion");
  const facts = readAssertion(signedXml);
  const sp = samlSpUrls(connection.id);
  const checked = checkAssertion(facts, shape, { issuer: connection.entityId, audience: sp.entityId, acsUrl: sp.acsUrl, now: Date.now(), skewMs: SAML_CLOCK_SKEW_MS });
  return { facts, checked };
}

/**
 * The ACS: verify the posted response for this connection, link the user,
 * and say where to go. Every refusal is audited on the connection's org
 * (unknown connections have no org to audit on).
 */
export async function acceptSamlResponse(
  connectionId: string,
  form: { samlResponse: string | null; relayState: string | null },
  meta: RequestMeta,
  /** The request ids this browser started (its binding cookie); null where the origin cannot keep that cookie. */
  browserRequests: readonly string[] | null = null,
): Promise<SamlOutcome> {
  const found = await findConnection(connectionId);
  if (found.status === "unknown") return { ok: false, reason: "connection_unavailable", status: 404, orgSlug: null };
  if (found.status === "unavailable") {
    await recordSsoFailure({ orgId: found.orgId, connectionId, reason: "connection_unavailable", protocol: "SAML", request: meta });
    return { ok: false, reason: "connection_unavailable", status: 404, orgSlug: found.orgSlug };
  }
  const connection = found.connection;
  try {
    const { base64, xml } = decode(form.samlResponse);
    const { facts, checked } = await verify(connection, base64, xml);
    await consume(connection.id, facts.id, checked, browserRequests);
    const identity = identityOf(facts);
    const user = await linkSsoSignIn({
      orgId: connection.orgId,
      connectionId: connection.id,
      issuer: facts.issuer,
      subject: identity.subject,
      email: identity.email,
      name: identity.name,
      request: meta,
    });
    const redirectTo = safeCallbackUrl(form.relayState, `/${connection.orgSlug}`);
    return { ok: true, user, orgId: connection.orgId, orgSlug: connection.orgSlug, connectionId: connection.id, redirectTo };
  } catch (error) {
    if (error instanceof SsoSignInError) return { ok: false, reason: error.reason, status: 403, orgSlug: connection.orgSlug };
    if (error instanceof SamlRefused) {
      log.warn("saml response refused", { requestId: meta.requestId, connectionId: connection.id, reason: error.reason, detail: error.detail });
      await recordSsoFailure({ orgId: connection.orgId, connectionId: connection.id, reason: error.reason, protocol: "SAML", request: meta, detail: error.detail });
      return { ok: false, reason: error.reason, status: 400, orgSlug: connection.orgSlug };
    }
    log.error("saml sign-in failed", { requestId: meta.requestId, connectionId: connection.id, error });
    return { ok: false, reason: "internal_error", status: 500, orgSlug: connection.orgSlug };
  }
}
