import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { addMember, makeUser } from "../../support/fixtures";
import { setup, startSignIn, assertionFor, wrap, validResponse, post, lastAudit, failures, expectRefused, sessionOf, type Setup } from "../../support/saml-flow";
import { makeIdpKeys, NAMEID_PERSISTENT, newId, signAssertion, signResponse, type IdpKeys } from "../../support/saml-idp";
import { freshDomain, makeDomain } from "../../support/sso";

/**
 * SAML sign-in through the real route handlers (tests/support/saml-flow.ts):
 * responses built and signed here with xml-crypto, keys and certificates made
 * by openssl. The valid one signs in; a response never crosses from one org's
 * connection to another's. The refusals: saml-refusals.test.ts.
 */
let idpKeys: IdpKeys;
let acme: Setup;

beforeAll(async () => {
  idpKeys = makeIdpKeys("Acme IdP");
  acme = await setup("Acme", idpKeys);
});

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
