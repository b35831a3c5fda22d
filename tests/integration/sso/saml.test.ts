import { inflateRawSync } from "node:zlib";
import { decode } from "next-auth/jwt";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as acsRoute } from "@/app/api/sso/saml/[connectionId]/acs/route";
import { GET as loginRoute } from "@/app/api/sso/saml/[connectionId]/login/route";
import { db } from "@/lib/db/client";
import { samlSpUrls } from "@/lib/sso/urls";
import { addMember, makeOrg, makeUser } from "../../support/fixtures";
import { callRoute } from "../../support/http";
import {
  assertionXml,
  encode,
  makeIdpKeys,
  makeSamlConnection,
  NAMEID_PERSISTENT,
  newId,
  responseXml,
  signAssertion,
  signResponse,
  type AssertionInput,
  type IdpKeys,
} from "../../support/saml-idp";
import { freshDomain, makeDomain } from "../../support/sso";

/**
 * SAML sign-in through the real route handlers: responses built and signed
 * here with xml-crypto, keys and certificates made by openssl. The valid one
 * signs in; every way of bending one is refused with its reason, audited on
 * the connection's org, and leaves no session behind.
 */
interface Setup {
  org: { id: string; slug: string };
  domain: string;
  keys: IdpKeys;
  entityId: string;
  connection: { id: string };
}

async function setup(label: string, keys: IdpKeys, entityId = `https://idp-${label.toLowerCase()}-${newId().slice(1, 9)}.example/saml`): Promise<Setup> {
  const org = await makeOrg(label);
  const domain = freshDomain(label.toLowerCase());
  await makeDomain(org.id, { domain, verified: true });
  const connection = await makeSamlConnection(org.id, { entityId, certificates: [keys.cert] });
  return { org, domain, keys, entityId, connection };
}

let idpKeys: IdpKeys;
let otherKeys: IdpKeys;
let acme: Setup;

beforeAll(async () => {
  idpKeys = makeIdpKeys("Acme IdP");
  otherKeys = makeIdpKeys("Someone else");
  acme = await setup("Acme", idpKeys);
});

/** The test's one browser: its SAML binding cookie per connection, set by the login route. */
const browser = new Map<string, string>();

/** SP-initiated start through the login route: the AuthnRequest id the IdP will answer. */
async function startSignIn(s: Setup, callbackUrl?: string): Promise<{ requestId: string; location: URL }> {
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

function assertionFor(s: Setup, requestId: string | null, overrides: Partial<AssertionInput> = {}): string {
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

function wrap(s: Setup, body: string, requestId: string | null, extra: { extensions?: string } = {}): string {
  return responseXml({ issuer: s.entityId, destination: samlSpUrls(s.connection.id).acsUrl, inResponseTo: requestId, body, ...extra });
}

/** A signed, valid response to a fresh request of this connection. */
async function validResponse(s: Setup, overrides: Partial<AssertionInput> = {}) {
  const { requestId } = await startSignIn(s);
  const signed = signAssertion(assertionFor(s, requestId, overrides), s.keys);
  return { requestId, xml: wrap(s, signed, requestId), signed };
}

async function post(connectionId: string, xml: string | null, relayState?: string) {
  const form: Record<string, string> = {};
  if (xml !== null) form.SAMLResponse = encode(xml);
  if (relayState !== undefined) form.RelayState = relayState;
  // The IdP's page posts the form: another origin, no session, the browser's binding cookie.
  const held = browser.get(connectionId);
  return callRoute(acsRoute, "POST", `/api/sso/saml/${connectionId}/acs`, { params: { connectionId }, form, origin: "https://idp.example", ...(held ? { cookie: held } : {}) });
}

async function lastAudit(orgId: string, action: string) {
  return db.auditLog.findFirst({ where: { orgId, action }, orderBy: { seq: "desc" } });
}

async function failures(orgId: string) {
  return db.auditLog.count({ where: { orgId, action: "auth.sso.failed" } });
}

/** Posted to the connection's ACS: refused with this reason (page, 4xx, no cookie) and audited once on the org. */
async function expectRefused(s: Setup, xml: string, reason: string, status = 400) {
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

async function sessionOf(res: { headers: Headers }) {
  const cookie = res.headers.get("set-cookie") ?? "";
  const token = /next-auth\.session-token=([^;]+)/.exec(cookie)?.[1];
  if (!token) return null;
  return decode({ token, secret: process.env.NEXTAUTH_SECRET! });
}

describe("SAML sign-in: the valid response", () => {
  it("signs in: an SSO session for the org, the identity linked, the request spent, the assertion id kept, audited", async () => {
    const { requestId, xml, signed } = await validResponse(acme);
    const res = await post(acme.connection.id, xml);
    expect(res.status, res.text).toBe(303);
    expect(res.headers.get("location")).toBe(`http://localhost:3000/${acme.org.slug}`);
    const set = res.headers.get("set-cookie")!;
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=lax/i);

    const user = await db.user.findUniqueOrThrow({ where: { email: `alice@${acme.domain}` } });
    expect(user.name).toBe("Alice Example");
    const session = await sessionOf(res);
    expect(session).toMatchObject({ sub: user.id, amr: "sso", sso: { orgId: acme.org.id, connectionId: acme.connection.id } });
    expect(session).not.toHaveProperty("mfaAt");

    const identity = await db.ssoIdentity.findFirstOrThrow({ where: { orgId: acme.org.id, issuer: acme.entityId, subject: `alice@${acme.domain}` } });
    expect(identity).toMatchObject({ userId: user.id, connectionId: acme.connection.id });
    expect(await db.membership.findUnique({ where: { orgId_userId: { orgId: acme.org.id, userId: user.id } } })).toMatchObject({ role: "VIEWER", status: "ACTIVE" });
    expect(await db.samlRequest.findUnique({ where: { id: requestId } })).toBeNull();
    const assertionId = /ID="([^"]+)"/.exec(signed)![1]!;
    const use = await db.samlAssertionUse.findUniqueOrThrow({ where: { connectionId_assertionId: { connectionId: acme.connection.id, assertionId } } });
    expect(use.expiresAt.getTime()).toBeGreaterThan(Date.now() + 4 * 60_000);

    const success = await lastAudit(acme.org.id, "auth.sso.succeeded");
    expect(success).toMatchObject({ actorType: "USER", actorId: user.id, metadata: expect.objectContaining({ protocol: "SAML", connectionId: acme.connection.id, issuer: acme.entityId }) });
  });

  it("follows the identity on later sign-ins (persistent NameID, email from the attribute), and goes to the RelayState path", async () => {
    const subject = `00u${newId().slice(1, 12)}`;
    const first = await validResponse(acme, { nameId: subject, nameIdFormat: NAMEID_PERSISTENT, attributes: { email: `bob@${acme.domain}` } });
    expect((await post(acme.connection.id, first.xml)).status).toBe(303);
    const { requestId } = await startSignIn(acme, `/${acme.org.slug}/projects`);
    // The email changed at the IdP: the link by (org, issuer, subject) decides, not the email.
    const again = wrap(acme, signAssertion(assertionFor(acme, requestId, { nameId: subject, nameIdFormat: NAMEID_PERSISTENT, attributes: { email: `robert@${acme.domain}` } }), acme.keys), requestId);
    const res = await post(acme.connection.id, again, `/${acme.org.slug}/projects`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`http://localhost:3000/${acme.org.slug}/projects`);
    const bob = await db.user.findUniqueOrThrow({ where: { email: `bob@${acme.domain}` } });
    expect((await sessionOf(res))?.sub).toBe(bob.id);
    expect(await db.user.findUnique({ where: { email: `robert@${acme.domain}` } })).toBeNull();
  });

  it("sends a RelayState that is not a same-origin path to the org's console instead", async () => {
    const { xml } = await validResponse(acme, { nameId: `carol@${acme.domain}`, attributes: { email: `carol@${acme.domain}` } });
    const res = await post(acme.connection.id, xml, "https://evil.example/steal");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`http://localhost:3000/${acme.org.slug}`);
  });

  it("links an existing member by email on the first sign-in, keeping their role", async () => {
    const member = await makeUser("dana");
    const email = `dana-${newId().slice(1, 7)}@${acme.domain}`;
    await db.user.update({ where: { id: member.id }, data: { email } });
    await addMember(acme.org.id, { ...member, email }, "DEVELOPER");
    const { xml } = await validResponse(acme, { nameId: email, attributes: {} });
    const res = await post(acme.connection.id, xml);
    expect(res.status).toBe(303);
    expect((await sessionOf(res))?.sub).toBe(member.id);
    expect(await db.membership.findUnique({ where: { orgId_userId: { orgId: acme.org.id, userId: member.id } } })).toMatchObject({ role: "DEVELOPER" });
  });

  it("accepts a response signed as a whole around its signed assertion", async () => {
    const { xml } = await validResponse(acme, { nameId: `ines@${acme.domain}`, attributes: { email: `ines@${acme.domain}`, firstName: "Ines", lastName: "Example" } });
    const res = await post(acme.connection.id, signResponse(xml, idpKeys));
    expect(res.status, res.text).toBe(303);
    expect(await db.user.findUniqueOrThrow({ where: { email: `ines@${acme.domain}` } })).toMatchObject({ name: "Ines Example" });
  });

  it("accepts a NotBefore within the 60-second skew", async () => {
    const { xml } = await validResponse(acme, { nameId: `erin@${acme.domain}`, attributes: {}, notBefore: new Date(Date.now() + 30_000) });
    expect((await post(acme.connection.id, xml)).status).toBe(303);
  });
});

describe("SAML sign-in: refused responses", () => {
  it("unsigned", async () => {
    const { requestId } = await startSignIn(acme);
    await expectRefused(acme, wrap(acme, assertionFor(acme, requestId), requestId), "unsigned");
  });

  it("signed only as a whole response: the assertion's own signature is required", async () => {
    const { requestId } = await startSignIn(acme);
    await expectRefused(acme, signResponse(wrap(acme, assertionFor(acme, requestId), requestId), idpKeys), "unsigned");
  });

  it("tampered after signing (the NameID and email changed)", async () => {
    const { requestId, signed } = await validResponse(acme);
    const tampered = signed.replaceAll(`alice@${acme.domain}`, `mallory@${acme.domain}`);
    expect(tampered).not.toBe(signed);
    await expectRefused(acme, wrap(acme, tampered, requestId), "bad_signature");
    expect(await db.user.findUnique({ where: { email: `mallory@${acme.domain}` } })).toBeNull();
  });

  it("tampered after signing (the validity window stretched)", async () => {
    const { requestId, signed } = await validResponse(acme);
    const stretched = signed.replace(/NotOnOrAfter="[^"]+"/g, 'NotOnOrAfter="2099-01-01T00:00:00Z"');
    await expectRefused(acme, wrap(acme, stretched, requestId), "bad_signature");
  });

  it("signed by another key (its certificate embedded in the signature is not trusted)", async () => {
    const { requestId } = await startSignIn(acme);
    const signed = signAssertion(assertionFor(acme, requestId), otherKeys);
    const withKeyInfo = signed.replace(
      "</ds:SignatureValue>",
      `</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${otherKeys.cert.replace(/-----[A-Z ]+-----|\s/g, "")}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>`,
    );
    await expectRefused(acme, wrap(acme, withKeyInfo, requestId), "bad_signature");
  });

  it("for another audience", async () => {
    const { requestId } = await startSignIn(acme);
    await expectRefused(acme, wrap(acme, signAssertion(assertionFor(acme, requestId, { audience: "https://other-sp.example/metadata" }), idpKeys), requestId), "wrong_audience");
  });

  it("for another recipient (ACS URL)", async () => {
    const { requestId } = await startSignIn(acme);
    await expectRefused(acme, wrap(acme, signAssertion(assertionFor(acme, requestId, { recipient: "https://other-sp.example/acs" }), idpKeys), requestId), "wrong_recipient");
  });

  it("expired (NotOnOrAfter past, beyond the skew)", async () => {
    const { requestId } = await startSignIn(acme);
    const past = new Date(Date.now() - 2 * 60_000);
    const xml = wrap(acme, signAssertion(assertionFor(acme, requestId, { notBefore: new Date(Date.now() - 10 * 60_000), notOnOrAfter: past }), idpKeys), requestId);
    await expectRefused(acme, xml, "expired");
  });

  it("expired in its subject confirmation only", async () => {
    const { requestId } = await startSignIn(acme);
    const xml = wrap(acme, signAssertion(assertionFor(acme, requestId, { subjectNotOnOrAfter: new Date(Date.now() - 2 * 60_000) }), idpKeys), requestId);
    await expectRefused(acme, xml, "expired");
  });

  it("not yet valid (NotBefore beyond the skew)", async () => {
    const { requestId } = await startSignIn(acme);
    await expectRefused(acme, wrap(acme, signAssertion(assertionFor(acme, requestId, { notBefore: new Date(Date.now() + 5 * 60_000) }), idpKeys), requestId), "not_yet_valid");
  });

  it("without an expiry", async () => {
    const { requestId } = await startSignIn(acme);
    await expectRefused(acme, wrap(acme, signAssertion(assertionFor(acme, requestId, { notOnOrAfter: null, subjectNotOnOrAfter: new Date(Date.now() + 60_000) }), idpKeys), requestId), "expiry_missing");
  });

  it("without Conditions", async () => {
    const { requestId } = await startSignIn(acme);
    await expectRefused(acme, wrap(acme, signAssertion(assertionFor(acme, requestId, { noConditions: true }), idpKeys), requestId), "expiry_missing");
  });

  it("without an audience restriction", async () => {
    const { requestId } = await startSignIn(acme);
    const signed = signAssertion(assertionFor(acme, requestId).replace(/<saml:AudienceRestriction>.*<\/saml:AudienceRestriction>/, ""), idpKeys);
    await expectRefused(acme, wrap(acme, signed, requestId), "wrong_audience");
  });

  it("replayed: the same response a second time", async () => {
    const { xml } = await validResponse(acme, { nameId: `frank@${acme.domain}`, attributes: {} });
    expect((await post(acme.connection.id, xml)).status).toBe(303);
    await expectRefused(acme, xml, "replayed");
  });

  it("replayed concurrently: of two posts of one response, one signs in", async () => {
    const { xml } = await validResponse(acme, { nameId: `gina@${acme.domain}`, attributes: {} });
    const results = await Promise.all([post(acme.connection.id, xml), post(acme.connection.id, xml)]);
    expect(results.map((r) => r.status).sort()).toEqual([303, 400]);
    expect(results.find((r) => r.status === 400)!.text).toContain("Reason: replayed");
  });

  it("replayed inside a response naming a fresh request: the signed InResponseTo still names the spent one", async () => {
    const { xml, signed } = await validResponse(acme, { nameId: `hana@${acme.domain}`, attributes: {} });
    expect((await post(acme.connection.id, xml)).status).toBe(303);
    const { requestId } = await startSignIn(acme);
    await expectRefused(acme, wrap(acme, signed, requestId), "unknown_request");
    await expectRefused(acme, xml, "replayed");
  });

  it("from another issuer (right key, wrong entity id)", async () => {
    const { requestId } = await startSignIn(acme);
    const xml = responseXml({
      issuer: "https://impostor.example/saml",
      inResponseTo: requestId,
      destination: samlSpUrls(acme.connection.id).acsUrl,
      body: signAssertion(assertionFor(acme, requestId, { issuer: "https://impostor.example/saml" }), idpKeys),
    });
    await expectRefused(acme, xml, "issuer_mismatch");
  });

  it("answering an unknown request", async () => {
    await startSignIn(acme);
    const unknown = newId();
    await expectRefused(acme, wrap(acme, signAssertion(assertionFor(acme, unknown), idpKeys), unknown), "unknown_request");
  });

  it("answering a request older than 10 minutes", async () => {
    const { requestId } = await startSignIn(acme);
    await db.samlRequest.update({ where: { id: requestId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expectRefused(acme, wrap(acme, signAssertion(assertionFor(acme, requestId), idpKeys), requestId), "unknown_request");
  });

  it("whose response and assertion answer different requests", async () => {
    const mine = await startSignIn(acme);
    const other = await startSignIn(acme);
    await expectRefused(acme, wrap(acme, signAssertion(assertionFor(acme, mine.requestId), idpKeys), other.requestId), "unknown_request");
    // Refused before the request was spent: it still answers a proper response.
    expect(await db.samlRequest.findUnique({ where: { id: mine.requestId } })).not.toBeNull();
  });

  it("IdP-initiated (no InResponseTo anywhere)", async () => {
    await expectRefused(acme, wrap(acme, signAssertion(assertionFor(acme, null), idpKeys), null), "unsolicited_response");
  });

  it("IdP-initiated assertion wrapped in a response naming a real request", async () => {
    const { requestId } = await startSignIn(acme);
    await expectRefused(acme, wrap(acme, signAssertion(assertionFor(acme, null), idpKeys), requestId), "unsolicited_response");
  });

  it("with a transient NameID", async () => {
    const { requestId } = await startSignIn(acme);
    const xml = wrap(acme, signAssertion(assertionFor(acme, requestId, { nameIdFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:transient", nameId: newId() }), idpKeys), requestId);
    await expectRefused(acme, xml, "nameid_transient");
  });

  it("with an error status from the IdP", async () => {
    const { requestId } = await startSignIn(acme);
    const xml = responseXml({ issuer: acme.entityId, inResponseTo: requestId, body: "", statusCode: "urn:oasis:names:tc:SAML:2.0:status:Requester" });
    await expectRefused(acme, xml, "idp_error");
  });

  it("missing, not base64, not XML, or with a DOCTYPE", async () => {
    const before = await failures(acme.org.id);
    const missing = await post(acme.connection.id, null);
    expect(missing.status).toBe(400);
    expect(missing.text).toContain("Reason: response_missing");
    const garbage = await callRoute(acsRoute, "POST", `/api/sso/saml/${acme.connection.id}/acs`, { params: { connectionId: acme.connection.id }, form: { SAMLResponse: "%%%not base64" } });
    expect(garbage.text).toContain("Reason: malformed_response");
    await expectRefused(acme, "<samlp:Response", "malformed_response");
    const { xml } = await validResponse(acme);
    await expectRefused(acme, `<!DOCTYPE r [<!ENTITY x "alice">]>${xml}`, "malformed_response");
    expect(await failures(acme.org.id)).toBe(before + 4);
  });

  it("an email outside the org's verified domains", async () => {
    const { xml } = await validResponse(acme, { nameId: "eve@not-verified.example", attributes: { email: "eve@not-verified.example" } });
    await expectRefused(acme, xml, "email_domain_not_verified", 403);
    expect(await db.user.findUnique({ where: { email: "eve@not-verified.example" } })).toBeNull();
  });

  it("an email in a domain the org claimed but has not verified", async () => {
    const pending = freshDomain("pending");
    await makeDomain(acme.org.id, { domain: pending, verified: false });
    const { xml } = await validResponse(acme, { nameId: `pat@${pending}`, attributes: {} });
    await expectRefused(acme, xml, "email_domain_not_verified", 403);
  });
});

describe("SAML sign-in: signature wrapping", () => {
  const evilFor = (s: Setup, requestId: string) => assertionFor(s, requestId, { id: newId(), nameId: `admin@${s.domain}`, attributes: { email: `admin@${s.domain}` } });

  it("a second, unsigned assertion before the signed one", async () => {
    const { requestId, signed } = await validResponse(acme);
    await expectRefused(acme, wrap(acme, evilFor(acme, requestId) + signed, requestId), "signature_wrapping");
  });

  it("a second, unsigned assertion after the signed one", async () => {
    const { requestId, signed } = await validResponse(acme);
    await expectRefused(acme, wrap(acme, signed + evilFor(acme, requestId), requestId), "signature_wrapping");
  });

  it("the signed assertion moved into samlp:Extensions, an evil one in its place", async () => {
    const { requestId, signed } = await validResponse(acme);
    const xml = wrap(acme, evilFor(acme, requestId), requestId, { extensions: `<samlp:Extensions>${signed}</samlp:Extensions>` });
    await expectRefused(acme, xml, "signature_wrapping");
  });

  it("an evil assertion carrying the original signature, the signed assertion inside its ds:Object", async () => {
    const { requestId, signed } = await validResponse(acme);
    const signature = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(signed)![0];
    const withoutSignature = signed.replace(signature, "");
    const hiddenOriginal = signature.replace("</ds:Signature>", `<ds:Object>${withoutSignature}</ds:Object></ds:Signature>`);
    const evil = evilFor(acme, requestId).replace(/(<saml:Issuer>[^<]*<\/saml:Issuer>)/, `$1${hiddenOriginal}`);
    await expectRefused(acme, wrap(acme, evil, requestId), "signature_wrapping");
  });

  it("an evil assertion with the signed one's ID and signature (two elements, one ID)", async () => {
    const { requestId, signed } = await validResponse(acme);
    const id = /ID="([^"]+)"/.exec(signed)![1]!;
    const signature = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(signed)![0];
    const evil = evilFor(acme, requestId).replace(/ID="[^"]+"/, `ID="${id}"`).replace(/(<saml:Issuer>[^<]*<\/saml:Issuer>)/, `$1${signature}`);
    await expectRefused(acme, wrap(acme, evil, requestId, { extensions: `<samlp:Extensions>${signed}</samlp:Extensions>` }), "signature_wrapping");
  });

  it("the only assertion nested in an element of the response rather than under it", async () => {
    const { requestId, signed } = await validResponse(acme);
    await expectRefused(acme, wrap(acme, "", requestId, { extensions: `<samlp:Extensions>${signed}</samlp:Extensions>` }), "signature_wrapping");
  });

  it("none of them signed anyone in", async () => {
    expect(await db.user.findUnique({ where: { email: `admin@${acme.domain}` } })).toBeNull();
  });
});

describe("SAML sign-in: isolation between orgs", () => {
  it("a response for org A's connection posted to org B's ACS is refused and audited on B only", async () => {
    const beta = await setup("Beta", makeIdpKeys("Beta IdP"));
    const { xml } = await validResponse(acme, { nameId: `ivan@${acme.domain}`, attributes: {} });
    const acmeFailures = await failures(acme.org.id);
    await expectRefused(beta, xml, "bad_signature");
    expect(await failures(acme.org.id)).toBe(acmeFailures);
    expect(await db.user.findUnique({ where: { email: `ivan@${acme.domain}` } })).toBeNull();
  });

  it("two orgs on the same IdP (same key, same entity id): the audience tells them apart", async () => {
    const shared = makeIdpKeys("Shared IdP");
    const entityId = `https://shared-${newId().slice(1, 9)}.example/saml`;
    const one = await setup("One", shared, entityId);
    const two = await setup("Two", shared, entityId);
    await makeDomain(two.org.id, { domain: freshDomain("two"), verified: true });
    const { xml } = await validResponse(one);
    await expectRefused(two, xml, "wrong_audience");
    // And posted where it belongs, it still works (it was not spent at the other org).
    expect((await post(one.connection.id, xml)).status).toBe(303);
  });

  it("a request started at org A cannot be answered at org B", async () => {
    const shared = makeIdpKeys("Shared IdP 2");
    const entityId = `https://shared-${newId().slice(1, 9)}.example/saml`;
    const one = await setup("Uno", shared, entityId);
    const two = await setup("Dos", shared, entityId);
    const { requestId } = await startSignIn(one);
    await expectRefused(two, wrap(two, signAssertion(assertionFor(two, requestId, { nameId: `x@${two.domain}` }), shared), requestId), "unknown_request");
  });
});
