import { inflateRawSync } from "node:zlib";
import { DOMParser } from "@xmldom/xmldom";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as acsRoute } from "@/app/api/sso/saml/[connectionId]/acs/route";
import { GET as loginRoute } from "@/app/api/sso/saml/[connectionId]/login/route";
import { GET as metadataRoute } from "@/app/api/sso/saml/[connectionId]/metadata/route";
import { GET as getOrg } from "@/app/api/v1/orgs/[orgId]/route";
import { db } from "@/lib/db/client";
import { SAML_REQUEST_TTL_MS } from "@/lib/sso/saml";
import { samlSpUrls } from "@/lib/sso/urls";
import { addMember, makeOrg, sessionCookie } from "../../support/fixtures";
import { callRoute } from "../../support/http";
import { assertionXml, encode, makeIdpKeys, makeSamlConnection, newId, responseXml, signAssertion, type IdpKeys } from "../../support/saml-idp";
import { freshDomain, makeDomain, makeOidcConnection } from "../../support/sso";

/**
 * The SAML routes around the ACS: SP metadata, the SP-initiated start, and
 * connections that cannot be used. Then a whole sign-in, start to session,
 * whose cookie the org door accepts, also where the org enforces SSO.
 */
let keys: IdpKeys;
let org: { id: string; slug: string };
let domain: string;
const entityId = `https://idp-${newId().slice(1, 9)}.example/saml`;
const ssoUrl = "https://idp.example/app/gatehouse/sso/saml";

beforeAll(async () => {
  keys = makeIdpKeys("Routes IdP");
  org = await makeOrg("Routes");
  domain = freshDomain("routes");
  await makeDomain(org.id, { domain, verified: true });
});

const samlConnection = (options: { enabled?: boolean } = {}) => makeSamlConnection(org.id, { entityId, certificates: [keys.cert], ssoUrl, ...options });

function xmlOf(text: string) {
  return new DOMParser().parseFromString(text, "text/xml") as unknown as Document;
}

const login = (connectionId: string, query = "", cookie?: string) =>
  callRoute(loginRoute, "GET", `/api/sso/saml/${connectionId}/login${query}`, { params: { connectionId }, ...(cookie ? { cookie } : {}) });

describe("SP metadata", () => {
  it("names our entity id and ACS, asks for email NameIDs and signed assertions", async () => {
    const connection = await samlConnection();
    const res = await callRoute(metadataRoute, "GET", `/api/sso/saml/${connection.id}/metadata`, { params: { connectionId: connection.id } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/samlmetadata+xml");
    const sp = samlSpUrls(connection.id);
    expect(sp.entityId).toBe(`http://localhost:3000/api/sso/saml/${connection.id}/metadata`);
    const doc = xmlOf(res.text);
    const md = "urn:oasis:names:tc:SAML:2.0:metadata";
    expect(doc.documentElement.getAttribute("entityID")).toBe(sp.entityId);
    const descriptor = doc.getElementsByTagNameNS(md, "SPSSODescriptor")[0]!;
    expect(descriptor.getAttribute("WantAssertionsSigned")).toBe("true");
    expect(doc.getElementsByTagNameNS(md, "NameIDFormat")[0]!.textContent).toBe("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress");
    const acs = doc.getElementsByTagNameNS(md, "AssertionConsumerService")[0]!;
    expect(acs.getAttribute("Location")).toBe(sp.acsUrl);
    expect(acs.getAttribute("Binding")).toBe("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST");
  });

  it("answers 404 for an unknown id, an OIDC connection and a malformed id", async () => {
    const oidc = await makeOidcConnection(org.id);
    for (const connectionId of [crypto.randomUUID(), oidc.id, "not-a-uuid"]) {
      const res = await callRoute(metadataRoute, "GET", `/api/sso/saml/${connectionId}/metadata`, { params: { connectionId } });
      expect(res.status, connectionId).toBe(404);
    }
  });
});

describe("SP-initiated start", () => {
  it("redirects to the IdP with an AuthnRequest for our ACS, kept for 10 minutes, the callback path as RelayState", async () => {
    const connection = await samlConnection();
    const res = await login(connection.id, `?callbackUrl=${encodeURIComponent(`/${org.slug}/projects`)}`);
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("location")!);
    expect(`${location.origin}${location.pathname}`).toBe(ssoUrl);
    expect(location.searchParams.get("RelayState")).toBe(`/${org.slug}/projects`);
    const request = xmlOf(inflateRawSync(Buffer.from(location.searchParams.get("SAMLRequest")!, "base64")).toString("utf8"));
    const root = request.documentElement;
    const sp = samlSpUrls(connection.id);
    expect(root.localName).toBe("AuthnRequest");
    expect(root.getAttribute("AssertionConsumerServiceURL")).toBe(sp.acsUrl);
    expect(root.getAttribute("Destination")).toBe(ssoUrl);
    expect(root.getAttribute("ProtocolBinding")).toBe("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST");
    expect(request.getElementsByTagNameNS("urn:oasis:names:tc:SAML:2.0:assertion", "Issuer")[0]!.textContent).toBe(sp.entityId);
    const id = root.getAttribute("ID")!;
    expect(id).toMatch(/^_[0-9a-f]{40}$/);
    const row = await db.samlRequest.findUniqueOrThrow({ where: { id } });
    expect(row.connectionId).toBe(connection.id);
    expect(Math.abs(row.expiresAt.getTime() - (Date.now() + SAML_REQUEST_TTL_MS))).toBeLessThan(10_000);
  });

  it("drops a callback that is not a same-origin path", async () => {
    const connection = await samlConnection();
    const res = await login(connection.id, `?callbackUrl=${encodeURIComponent("https://evil.example/")}`);
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get("location")!).searchParams.has("RelayState")).toBe(false);
  });

  it("sweeps expired requests", async () => {
    const connection = await samlConnection();
    const stale = await db.samlRequest.create({ data: { id: newId(), connectionId: connection.id, expiresAt: new Date(Date.now() - 1000) } });
    await login(connection.id);
    expect(await db.samlRequest.findUnique({ where: { id: stale.id } })).toBeNull();
  });

  it("answers an error page (404) and records nothing for a disabled, unknown or OIDC connection", async () => {
    const disabled = await samlConnection({ enabled: false });
    const oidc = await makeOidcConnection(org.id);
    for (const connectionId of [disabled.id, oidc.id, crypto.randomUUID()]) {
      const res = await login(connectionId);
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toContain("text/html");
      expect(res.text).toContain("Reason: connection_unavailable");
      expect(await db.samlRequest.count({ where: { connectionId } })).toBe(0);
    }
  });
});

describe("the ACS of a connection that cannot be used", () => {
  it("unknown: 404, nothing audited anywhere; disabled: 404, audited on its org", async () => {
    const unknown = crypto.randomUUID();
    const form = { SAMLResponse: encode("<x/>") };
    const res = await callRoute(acsRoute, "POST", `/api/sso/saml/${unknown}/acs`, { params: { connectionId: unknown }, form });
    expect(res.status).toBe(404);
    expect(await db.auditLog.count({ where: { targetId: unknown } })).toBe(0);

    const disabled = await samlConnection({ enabled: false });
    const refused = await callRoute(acsRoute, "POST", `/api/sso/saml/${disabled.id}/acs`, { params: { connectionId: disabled.id }, form });
    expect(refused.status).toBe(404);
    expect(refused.text).toContain("Reason: connection_unavailable");
    const event = await db.auditLog.findFirstOrThrow({ where: { orgId: org.id, targetId: disabled.id, action: "auth.sso.failed" } });
    expect(event.metadata).toMatchObject({ reason: "connection_unavailable", protocol: "SAML" });
  });
});

describe("a whole SAML sign-in", () => {
  /** Start at our login route; the IdP's signed answer to that request; the browser's binding cookie. */
  async function started(connectionId: string, email: string, browserCookie?: string) {
    const start = await login(connectionId, "", browserCookie);
    const location = new URL(start.headers.get("location")!);
    const requestId = /\bID="([^"]+)"/.exec(inflateRawSync(Buffer.from(location.searchParams.get("SAMLRequest")!, "base64")).toString("utf8"))![1]!;
    const sp = samlSpUrls(connectionId);
    const assertion = signAssertion(assertionXml({ issuer: entityId, audience: sp.entityId, recipient: sp.acsUrl, inResponseTo: requestId, nameId: email }), keys);
    const xml = responseXml({ issuer: entityId, destination: sp.acsUrl, inResponseTo: requestId, body: assertion });
    const cookie = /(gatehouse\.saml-requests=[^;]+)/.exec(start.headers.get("set-cookie") ?? "")?.[1];
    return { requestId, form: { SAMLResponse: encode(xml) }, cookie, setCookie: start.headers.get("set-cookie") };
  }

  const acs = (connectionId: string, form: Record<string, string>, cookie?: string) =>
    callRoute(acsRoute, "POST", `/api/sso/saml/${connectionId}/acs`, { params: { connectionId }, form, origin: "https://idp.example", ...(cookie ? { cookie } : {}) });

  async function signIn(connectionId: string, email: string) {
    const { form, cookie } = await started(connectionId, email);
    const res = await acs(connectionId, form, cookie);
    expect(res.status, res.text).toBe(303);
    return /(next-auth\.session-token=[^;]+)/.exec(res.headers.get("set-cookie")!)![1]!;
  }

  it("binds the request to the browser that started it: a cookie only the connection's ACS receives, cross-site and secure", async () => {
    const connection = await samlConnection();
    const { requestId, setCookie } = await started(connection.id, `bind-${newId().slice(1, 7)}@${domain}`);
    const path = new URL(samlSpUrls(connection.id).acsUrl).pathname;
    expect(setCookie).toContain(`gatehouse.saml-requests=${requestId}`);
    for (const attribute of [`Path=${path}`, "HttpOnly", "Secure", "SameSite=None", "Max-Age=600"]) expect(setCookie).toContain(attribute);
    // A second start in the same browser keeps both requests.
    const second = await started(connection.id, `bind2-${newId().slice(1, 7)}@${domain}`, `gatehouse.saml-requests=${requestId}`);
    expect(second.cookie).toBe(`gatehouse.saml-requests=${second.requestId}.${requestId}`);
  });

  it("refuses a response to a sign-in another browser started (login CSRF), audited, and the request stays usable by its own browser", async () => {
    const connection = await samlConnection();
    const email = `csrf-${newId().slice(1, 7)}@${domain}`;
    const attacker = await started(connection.id, email);
    for (const cookie of [undefined, "gatehouse.saml-requests=someone-elses-request"]) {
      const res = await acs(connection.id, attacker.form, cookie);
      expect(res.status).toBe(400);
      expect(res.text).toContain("Reason: other_browser");
      expect(res.headers.get("set-cookie") ?? "").not.toContain("next-auth.session-token");
    }
    const events = await db.auditLog.findMany({ where: { orgId: org.id, targetId: connection.id, action: "auth.sso.failed" } });
    expect(events.map((e) => (e.metadata as { reason: string }).reason)).toEqual(["other_browser", "other_browser"]);
    expect(await db.samlRequest.count({ where: { id: attacker.requestId } })).toBe(1);
    expect((await acs(connection.id, attacker.form, attacker.cookie)).status).toBe(303);
  });

  it("ends in a session the org door accepts, also where the org enforces SSO (a password session is refused there)", async () => {
    const connection = await samlConnection();
    const email = `member-${newId().slice(1, 7)}@${domain}`;
    const cookie = await signIn(connection.id, email);
    const ok = await callRoute(getOrg, "GET", `/api/v1/orgs/${org.id}`, { cookie, params: { orgId: org.id } });
    expect(ok.status, ok.text).toBe(200);

    await db.orgSettings.update({ where: { orgId: org.id }, data: { enforceSso: true } });
    try {
      const user = await db.user.findUniqueOrThrow({ where: { email } });
      expect((await callRoute(getOrg, "GET", `/api/v1/orgs/${org.id}`, { cookie, params: { orgId: org.id } })).status).toBe(200);
      const password = await callRoute(getOrg, "GET", `/api/v1/orgs/${org.id}`, { cookie: await sessionCookie(user.id), params: { orgId: org.id } });
      expect(password.status).toBe(403);
      expect((password.json as { error: { code: string } }).error.code).toBe("sso_required");
    } finally {
      await db.orgSettings.update({ where: { orgId: org.id }, data: { enforceSso: false } });
    }
  });

  it("a SAML session of one org does not satisfy another org's enforced SSO", async () => {
    const connection = await samlConnection();
    const email = `both-${newId().slice(1, 7)}@${domain}`;
    const cookie = await signIn(connection.id, email);
    const user = await db.user.findUniqueOrThrow({ where: { email } });
    const other = await makeOrg("Other");
    await addMember(other.id, { id: user.id, email }, "VIEWER");
    await db.orgSettings.update({ where: { orgId: other.id }, data: { enforceSso: true } });
    const res = await callRoute(getOrg, "GET", `/api/v1/orgs/${other.id}`, { cookie, params: { orgId: other.id } });
    expect(res.status).toBe(403);
  });
});
