import { beforeAll, describe, expect, it } from "vitest";
import { POST as acsRoute } from "@/app/api/sso/saml/[connectionId]/acs/route";
import { db } from "@/lib/db/client";
import { samlSpUrls } from "@/lib/sso/urls";
import { callRoute } from "../../support/http";
import { setup, startSignIn, assertionFor, wrap, validResponse, post, failures, expectRefused, type Setup } from "../../support/saml-flow";
import { makeIdpKeys, newId, responseXml, signAssertion, signResponse, type IdpKeys } from "../../support/saml-idp";
import { freshDomain, makeDomain } from "../../support/sso";

/**
 * Every way of bending a SAML response is refused with its reason, audited on
 * the connection's org, and leaves no session behind (responses built and
 * signed here with xml-crypto; the flow in tests/support/saml-flow.ts).
 */
let idpKeys: IdpKeys;
let otherKeys: IdpKeys;
let acme: Setup;

beforeAll(async () => {
  idpKeys = makeIdpKeys("Acme IdP");
  otherKeys = makeIdpKeys("Someone else");
  acme = await setup("Acme", idpKeys);
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
