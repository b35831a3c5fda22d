import { inflateRawSync } from "node:zlib";
import { decode } from "next-auth/jwt";
import { expect } from "vitest";
import { POST as acsRoute } from "@/app/api/sso/saml/[connectionId]/acs/route";
import { GET as loginRoute } from "@/app/api/sso/saml/[connectionId]/login/route";
import { db } from "@/lib/db/client";
import { samlSpUrls } from "@/lib/sso/urls";
import { makeOrg } from "./fixtures";
import { callRoute } from "./http";
import { assertionXml, encode, makeSamlConnection, newId, responseXml, signAssertion, type AssertionInput, type IdpKeys } from "./saml-idp";
import { freshDomain, makeDomain } from "./sso";

/**
 * A SAML sign-in driven through the real route handlers, as one browser would:
 * an org with a verified domain and a SAML connection, the start at the login
 * route (keeping its binding cookie), responses built and signed here, posted
 * to the ACS, and the checks every refusal must pass.
 */
export interface Setup {
  org: { id: string; slug: string };
  domain: string;
  keys: IdpKeys;
  entityId: string;
  connection: { id: string };
}

export async function setup(label: string, keys: IdpKeys, entityId = `https://idp-${label.toLowerCase()}-${newId().slice(1, 9)}.example/saml`): Promise<Setup> {
  const org = await makeOrg(label);
  const domain = freshDomain(label.toLowerCase());
  await makeDomain(org.id, { domain, verified: true });
  const connection = await makeSamlConnection(org.id, { entityId, certificates: [keys.cert] });
  return { org, domain, keys, entityId, connection };
}

/** The test's one browser: its SAML binding cookie per connection, set by the login route. */
const browser = new Map<string, string>();

/** SP-initiated start through the login route: the AuthnRequest id the IdP will answer. */
export async function startSignIn(s: Setup, callbackUrl?: string): Promise<{ requestId: string; location: URL }> {
  const query = callbackUrl ? `?callbackUrl=${encodeURIComponent(callbackUrl)}` : "";
  const held = browser.get(s.connection.id);
  const res = await callRoute(loginRoute, "GET", `/api/sso/saml/${s.connection.id}/login${query}`, { params: { connectionId: s.connection.id }, ...(held ? { cookie: held } : {}) });
  expect(res.status).toBe(302);
  const bound = /(gatehouse\.saml-requests=[^;]+)/.exec(res.headers.get("set-cookie") ?? "")?.[1];
  if (bound) browser.set(s.connection.id, bound);
  const location = new URL(res.headers.get("location")!);
  const request = inflateRawSync(Buffer.from(location.searchParams.get("SAMLRequest")!, "base64")).toString("utf8");
  const requestId = /\bID="([^"]+)"/.exec(request)![1]!;
  return { requestId, location };
}

export function assertionFor(s: Setup, requestId: string | null, overrides: Partial<AssertionInput> = {}): string {
  const sp = samlSpUrls(s.connection.id);
  return assertionXml({
    issuer: s.entityId,
    audience: sp.entityId,
    recipient: sp.acsUrl,
    inResponseTo: requestId,
    nameId: `alice@${s.domain}`,
    attributes: { email: `alice@${s.domain}`, displayName: "Alice Example" },
    ...overrides,
  });
}

export function wrap(s: Setup, body: string, requestId: string | null, extra: { extensions?: string } = {}): string {
  return responseXml({ issuer: s.entityId, destination: samlSpUrls(s.connection.id).acsUrl, inResponseTo: requestId, body, ...extra });
}

/** A signed, valid response to a fresh request of this connection. */
export async function validResponse(s: Setup, overrides: Partial<AssertionInput> = {}) {
  const { requestId } = await startSignIn(s);
  const signed = signAssertion(assertionFor(s, requestId, overrides), s.keys);
  return { requestId, xml: wrap(s, signed, requestId), signed };
}

export async function post(connectionId: string, xml: string | null, relayState?: string) {
  const form: Record<string, string> = {};
  if (xml !== null) form.SAMLResponse = encode(xml);
  if (relayState !== undefined) form.RelayState = relayState;
  // The IdP's page posts the form: another origin, no session, the browser's binding cookie.
  const held = browser.get(connectionId);
  return callRoute(acsRoute, "POST", `/api/sso/saml/${connectionId}/acs`, { params: { connectionId }, form, origin: "https://idp.example", ...(held ? { cookie: held } : {}) });
}

export async function lastAudit(orgId: string, action: string) {
  return db.auditLog.findFirst({ where: { orgId, action }, orderBy: { seq: "desc" } });
}

export async function failures(orgId: string) {
  return db.auditLog.count({ where: { orgId, action: "auth.sso.failed" } });
}

/** Posted to the connection's ACS: refused with this reason (page, 4xx, no cookie) and audited once on the org. */
export async function expectRefused(s: Setup, xml: string, reason: string, status = 400) {
  const before = await failures(s.org.id);
  const res = await post(s.connection.id, xml);
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get("content-type")).toContain("text/html");
  expect(res.text).toContain(`Reason: ${reason}`);
  expect(res.text).not.toMatch(/at .+\.(ts|js):\d+/);
  expect(res.headers.get("set-cookie")).toBeNull();
  expect(await failures(s.org.id)).toBe(before + 1);
  const event = await lastAudit(s.org.id, "auth.sso.failed");
  expect(event).toMatchObject({ targetType: "sso_connection", targetId: s.connection.id, metadata: expect.objectContaining({ reason, protocol: "SAML" }) });
  return res;
}

export async function sessionOf(res: { headers: Headers }) {
  const cookie = res.headers.get("set-cookie") ?? "";
  const token = /next-auth\.session-token=([^;]+)/.exec(cookie)?.[1];
  if (!token) return null;
  return decode({ token, secret: process.env.NEXTAUTH_SECRET! });
}
