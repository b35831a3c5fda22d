import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as connectionsRoute from "@/app/api/v1/orgs/[orgId]/sso-connections/route";
import { verifyAuditChain } from "@/lib/audit/verify";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/security/errors";
import { createConnection, deleteConnection, getConnection, listConnections, refreshDiscovery, updateConnection } from "@/lib/sso/connections";
import { oidcSignInConfig } from "@/lib/sso/sign-in-connections";
import { discover, refusedUrl, type DiscoveryFetch } from "@/lib/sso/discovery";
import { connectionDto } from "@/lib/sso/schemas";
import { makeTenant, sessionCookie } from "../../support/fixtures";
import { callRoute } from "../../support/http";
import { discoveryDocument, localIssuer, ssoContext } from "../../support/sso";
import { randomBytes, randomUUID } from "node:crypto";
import { last4Of, seal } from "@/lib/vault/envelope";
import { KekInUse, retireKek, rewrapVault } from "@/lib/vault/rewrap";
import { verifiedRing } from "@/lib/vault/ring";
import { secretBinding } from "@/lib/sso/client-secret";
import { makeRing } from "../vault/support";

/**
 * SSO connections on the database: the client secret is sealed and never
 * answered, stored or audited in the clear; discovery is fetched once,
 * checked and stored; SAML metadata is read; every change is audited.
 */
const ISSUER = "https://idp.example.com/tenant-1";

async function tenant(name: string) {
  const t = await makeTenant(name);
  return { tenant: t, ctx: await ssoContext(t.org.id, t.members.ADMIN.user) };
}

/** A fake discovery fetch: serves `doc` at the issuer's well-known URL, counts calls. */
function fakeFetch(doc: unknown = discoveryDocument(ISSUER), status = 200) {
  const urls: string[] = [];
  const fetch: DiscoveryFetch = async (url) => {
    urls.push(url);
    return { status, json: doc };
  };
  return { fetch, urls };
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/** Every text column and JSON of the org's connections and audit events, as one string. */
async function storedText(orgId: string): Promise<string> {
  const connections = await db.$queryRaw<unknown[]>`SELECT * FROM sso_connections WHERE org_id = ${orgId}::uuid`;
  const events = await db.auditLog.findMany({ where: { orgId } });
  const bytes = (value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString("latin1") : value);
  return JSON.stringify(connections.map((row) => Object.fromEntries(Object.entries(row as object).map(([k, v]) => [k, bytes(v)])))) + JSON.stringify(events, (_k, v) => (typeof v === "bigint" ? String(v) : v));
}

let certDir: string;
let certPem: string;

beforeAll(() => {
  certDir = mkdtempSync(path.join(tmpdir(), "sso-cert-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path.join(certDir, "key.pem"), "-out", path.join(certDir, "cert.pem"), "-days", "30", "-subj", "/CN=idp.example.com"], { stdio: "ignore" });
  certPem = readFileSync(path.join(certDir, "cert.pem"), "utf8");
});
afterAll(() => rmSync(certDir, { recursive: true, force: true }));

const certBody = () => certPem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");

function idpMetadata(entityId: string, ssoUrl: string) {
  return `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${entityId}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" WantAuthnRequestsSigned="false">
    <md:KeyDescriptor use="encryption"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>AAAA</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>
${certBody()}
    </ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${ssoUrl}/post"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${ssoUrl}"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;
}

describe("OIDC connections", () => {
  it("discovers once, seals the secret, answers its last four only, and audits without it", async () => {
    const { tenant: t, ctx } = await tenant("Oidc");
    const secret = "s3cr3t-client-value-XYZ9";
    const dns = fakeFetch();
    const created = await createConnection(ctx, { protocol: "OIDC", name: "Okta", issuer: ISSUER, clientId: "0oa123", clientSecret: secret, enabled: true }, { fetchDiscovery: dns.fetch });
    expect(dns.urls).toEqual([`${ISSUER}/.well-known/openid-configuration`]);
    const view = connectionDto.parse(created);
    expect(view.oidc).toMatchObject({
      issuer: ISSUER,
      clientId: "0oa123",
      clientSecretLast4: "XYZ9",
      redirectUri: `http://localhost:3000/api/auth/callback/oidc-${created.id}`,
      discovery: { authorizationEndpoint: `${ISSUER}/auth`, tokenEndpoint: `${ISSUER}/token`, userinfoEndpoint: `${ISSUER}/me`, jwksUri: `${ISSUER}/jwks` },
    });
    expect(view.saml).toBeNull();
    expect(view.signInUrl).toBe(`http://localhost:3000/sso/${t.org.slug}?connection=${created.id}`);
    expect(JSON.stringify(view)).not.toContain(secret);
    expect(JSON.stringify(await listConnections(ctx))).not.toContain(secret);
    expect(JSON.stringify(await getConnection(ctx, created.id))).not.toContain(secret);

    // At rest: sealed, bound to the row; the stored discovery document is the checked subset.
    const row = await db.ssoConnection.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.secretCiphertext?.length).toBeGreaterThan(16);
    expect(row.oidcDiscovery).toMatchObject({ issuer: ISSUER, token_endpoint: `${ISSUER}/token` });
    expect(row.oidcDiscovery).not.toHaveProperty("response_types_supported");
    expect(await storedText(t.org.id)).not.toContain(secret);
    expect((await oidcSignInConfig(created.id))?.clientSecret).toBe(secret);

    // The sealed secret is bound to its row: moved to another connection it does not open.
    const other = await createConnection(ctx, { protocol: "OIDC", name: "Other", issuer: ISSUER, clientId: "x", clientSecret: "another-secret", enabled: true }, { fetchDiscovery: dns.fetch });
    await db.ssoConnection.update({ where: { id: other.id }, data: { secretCiphertext: row.secretCiphertext, secretWrappedDek: row.secretWrappedDek, secretLast4: row.secretLast4 } });
    await expect(oidcSignInConfig(other.id)).rejects.toThrow();

    const [event] = await db.auditLog.findMany({ where: { orgId: t.org.id, action: "sso.connection.created", targetId: created.id } });
    expect(event).toMatchObject({ actorId: t.members.ADMIN.user.id, metadata: { protocol: "OIDC", name: "Okta", issuer: ISSUER, clientId: "0oa123", clientSecretLast4: "XYZ9" } });
    expect((await verifyAuditChain(t.org.id)).ok).toBe(true);
  });

  it("never answers the secret through the route either", async () => {
    const { tenant: t } = await tenant("Route");
    const issuer = await localIssuer();
    const cookie = await sessionCookie(t.members.OWNER.user.id);
    const secret = "route-secret-value-QQQQ";
    const res = await callRoute(connectionsRoute.POST, "POST", `/api/v1/orgs/${t.org.id}/sso-connections`, {
      cookie,
      params: { orgId: t.org.id },
      body: { protocol: "OIDC", name: "Local", issuer: issuer.issuer, clientId: "local", clientSecret: secret },
    });
    expect(res.status).toBe(201);
    expect(res.text).not.toContain(secret);
    const list = await callRoute(connectionsRoute.GET, "GET", `/api/v1/orgs/${t.org.id}/sso-connections`, { cookie, params: { orgId: t.org.id } });
    expect(list.status).toBe(200);
    expect(list.text).not.toContain(secret);
    expect(list.text).toContain("QQQQ");
    // A wrong body echoes no secret either.
    const bad = await callRoute(connectionsRoute.POST, "POST", `/api/v1/orgs/${t.org.id}/sso-connections`, {
      cookie,
      params: { orgId: t.org.id },
      body: { protocol: "OIDC", name: "", issuer: "not a url", clientId: "x", clientSecret: secret },
    });
    expect(bad.status).toBe(422);
    expect(bad.text).not.toContain(secret);
  });

  it("needs a recent MFA check for every change (step-up)", async () => {
    const { tenant: t } = await tenant("StepUp");
    const issuer = await localIssuer();
    const stale = await sessionCookie(t.members.ADMIN.user.id, { mfaAt: Math.floor(Date.now() / 1000) - 3600 });
    const body = { protocol: "OIDC", name: "Local", issuer: issuer.issuer, clientId: "local", clientSecret: "some-secret" };
    const refused = await callRoute(connectionsRoute.POST, "POST", `/api/v1/orgs/${t.org.id}/sso-connections`, { cookie: stale, params: { orgId: t.org.id }, body });
    expect(refused.status).toBe(401);
    expect((refused.json as { error: { code: string } }).error.code).toBe("mfa_step_up_required");
    // Reading is not a change.
    expect((await callRoute(connectionsRoute.GET, "GET", `/api/v1/orgs/${t.org.id}/sso-connections`, { cookie: stale, params: { orgId: t.org.id } })).status).toBe(200);
    const fresh = await sessionCookie(t.members.ADMIN.user.id);
    expect((await callRoute(connectionsRoute.POST, "POST", `/api/v1/orgs/${t.org.id}/sso-connections`, { cookie: fresh, params: { orgId: t.org.id }, body })).status).toBe(201);
    expect(await db.ssoConnection.count({ where: { orgId: t.org.id } })).toBe(1);
  });

  it("refuses a discovery document of another issuer, a failing one, or one pointing at refused addresses", async () => {
    const { ctx } = await tenant("Discovery");
    const create = (fetch: DiscoveryFetch, issuer = ISSUER) =>
      createConnection(ctx, { protocol: "OIDC", name: "IdP", issuer, clientId: "c", clientSecret: "secret", enabled: true }, { fetchDiscovery: fetch });
    expect((await rejection(create(fakeFetch(discoveryDocument("https://evil.example.com")).fetch))).message).toContain("names another issuer");
    expect((await rejection(create(fakeFetch(discoveryDocument(ISSUER), 404).fetch))).message).toContain("HTTP 404");
    expect((await rejection(create(fakeFetch({ hello: "world" }).fetch))).code).toBe("oidc_discovery_failed");
    const metadata = { ...discoveryDocument(ISSUER), token_endpoint: "http://169.254.169.254/latest/meta-data" };
    expect((await rejection(create(fakeFetch(metadata).fetch))).message).toContain("token_endpoint");
    const noPkce = { ...discoveryDocument(ISSUER), code_challenge_methods_supported: ["plain"] };
    expect((await rejection(create(fakeFetch(noPkce).fetch))).message).toContain("PKCE");
    const thrown: DiscoveryFetch = async () => {
      throw new Error("ECONNREFUSED");
    };
    expect((await rejection(create(thrown))).code).toBe("oidc_discovery_failed");
    // A trailing slash aside, the document's spelling of the issuer is kept.
    const slashed = await create(fakeFetch(discoveryDocument(ISSUER)).fetch, `${ISSUER}/`);
    expect(slashed.oidc?.issuer).toBe(ISSUER);
    expect(await db.ssoConnection.count({ where: { orgId: ctx.orgId } })).toBe(1);
  });

  it("applies the network policy to issuers and endpoints", async () => {
    expect(refusedUrl("http://169.254.169.254/", true)).toContain("metadata");
    expect(refusedUrl("http://metadata.google.internal/x", true)).toContain("metadata");
    expect(refusedUrl("http://127.0.0.1:8080/", true)).toBeNull();
    expect(refusedUrl("http://127.0.0.1:8080/", false)).toBe("is not https");
    expect(refusedUrl("https://10.0.0.5/", false)).toContain("refuses");
    expect(refusedUrl("https://[::1]/", false)).toContain("refuses");
    expect(refusedUrl("https://idp.example.com/", false)).toBeNull();
    expect(refusedUrl("https://user:pw@idp.example.com/", false)).toContain("credentials");
    await expect(discover("http://169.254.169.254", fakeFetch().fetch)).rejects.toMatchObject({ code: "oidc_discovery_failed" });
    // The real fetch, on loopback (allowed outside production).
    const local = await localIssuer();
    const before = local.hits();
    expect((await discover(local.issuer)).issuer).toBe(local.issuer);
    expect(local.hits()).toBe(before + 1);
  });

  it("updates, refreshes, disables and deletes, each audited; nothing changed records nothing", async () => {
    const { tenant: t, ctx } = await tenant("Update");
    const dns = fakeFetch();
    const created = await createConnection(ctx, { protocol: "OIDC", name: "Okta", issuer: ISSUER, clientId: "c1", clientSecret: "first-secret-AAAA", enabled: true }, { fetchDiscovery: dns.fetch });
    const count = () => db.auditLog.count({ where: { orgId: t.org.id, action: "sso.connection.updated" } });

    await updateConnection(ctx, created.id, { name: "Okta" });
    expect(await count()).toBe(0);

    const renamed = await updateConnection(ctx, created.id, { name: "Okta prod", clientSecret: "second-secret-BBBB" });
    expect(renamed.oidc?.clientSecretLast4).toBe("BBBB");
    expect((await oidcSignInConfig(created.id))?.clientSecret).toBe("second-secret-BBBB");
    const [updated] = await db.auditLog.findMany({ where: { orgId: t.org.id, action: "sso.connection.updated" } });
    expect(updated!.metadata).toMatchObject({ before: { name: "Okta", clientSecretLast4: "AAAA" }, after: { name: "Okta prod", clientSecretLast4: "BBBB" }, clientSecretReplaced: true });
    expect(await storedText(t.org.id)).not.toContain("second-secret");
    expect(await storedText(t.org.id)).not.toContain("first-secret");

    const moved = { ...discoveryDocument(ISSUER), token_endpoint: `${ISSUER}/v2/token` };
    const refreshed = await refreshDiscovery(ctx, created.id, { fetchDiscovery: fakeFetch(moved).fetch });
    expect(refreshed.oidc?.discovery?.tokenEndpoint).toBe(`${ISSUER}/v2/token`);
    expect(await count()).toBe(2);

    expect((await rejection(updateConnection(ctx, created.id, { entityId: "urn:x" }))).code).toBe("validation_failed");
    const disabled = await updateConnection(ctx, created.id, { enabled: false });
    expect(disabled.enabled).toBe(false);
    expect(await oidcSignInConfig(created.id)).toBeNull();

    await deleteConnection(ctx, created.id);
    expect(await db.ssoConnection.count({ where: { id: created.id } })).toBe(0);
    expect(await db.auditLog.count({ where: { orgId: t.org.id, action: "sso.connection.deleted", targetId: created.id } })).toBe(1);
    expect((await rejection(getConnection(ctx, created.id))).code).toBe("not_found");
  });

  it("keeps another org's connections out of reach", async () => {
    const own = await tenant("Own");
    const other = await tenant("Other");
    const theirs = await createConnection(other.ctx, { protocol: "OIDC", name: "Theirs", issuer: ISSUER, clientId: "c", clientSecret: "their-secret", enabled: true }, { fetchDiscovery: fakeFetch().fetch });
    // One at a time: a rejection nobody awaits yet would surface as unhandled.
    const attempts = [
      () => getConnection(own.ctx, theirs.id),
      () => updateConnection(own.ctx, theirs.id, { name: "Mine" }),
      () => deleteConnection(own.ctx, theirs.id),
      () => refreshDiscovery(own.ctx, theirs.id, { fetchDiscovery: fakeFetch().fetch }),
    ];
    for (const attempt of attempts) expect((await rejection(attempt())).code).toBe("not_found");
    expect((await db.ssoConnection.findUniqueOrThrow({ where: { id: theirs.id } })).name).toBe("Theirs");
  });
});

describe("master-key rotation", () => {
  it("keeps a master key that still wraps an SSO client secret from being retired until it is re-wrapped", async () => {
    const { tenant: t } = await tenant("Rotation");
    const oldId = `sso-old-${randomUUID().slice(0, 8)}`;
    const newId = `sso-new-${randomUUID().slice(0, 8)}`;
    const [OLD, NEW] = [randomBytes(32), randomBytes(32)];
    const before = makeRing(oldId, { [oldId]: OLD });
    const rotated = makeRing(newId, { [oldId]: OLD, [newId]: NEW });
    await verifiedRing(before);
    const id = randomUUID();
    const secret = `rotation-secret-${randomUUID()}`;
    const sealed = seal(before, secretBinding(t.org.id, id, last4Of(secret)), secret);
    await db.ssoConnection.create({
      data: {
        id,
        orgId: t.org.id,
        protocol: "OIDC",
        name: "IdP",
        oidcIssuer: ISSUER,
        oidcClientId: "c",
        secretFormatVersion: sealed.formatVersion,
        secretKekId: sealed.kekId,
        secretWrappedDek: new Uint8Array(sealed.wrappedDek),
        secretCiphertext: new Uint8Array(sealed.ciphertext),
        secretLast4: last4Of(secret),
      },
    });
    await verifiedRing(rotated);
    await expect(retireKek(rotated, oldId)).rejects.toThrow(KekInUse);
    await rewrapVault({ ring: rotated, orgId: t.org.id });
    expect((await db.ssoConnection.findUniqueOrThrow({ where: { id } })).secretKekId).toBe(newId);
    await expect(retireKek(rotated, oldId)).resolves.toHaveProperty("retiredAt");
  });
});

describe("SAML connections", () => {
  it("reads entity id, SSO URL and signing certificates from IdP metadata, and shows the SP's URLs", async () => {
    const { tenant: t, ctx } = await tenant("Saml");
    const created = await createConnection(ctx, { protocol: "SAML", name: "Entra ID", enabled: true, metadataXml: idpMetadata("https://sts.example.com/abc/", "https://login.example.com/abc/saml2") });
    const view = connectionDto.parse(created);
    expect(view.oidc).toBeNull();
    expect(view.saml).toMatchObject({
      entityId: "https://sts.example.com/abc/",
      ssoUrl: "https://login.example.com/abc/saml2",
      sp: {
        entityId: `http://localhost:3000/api/sso/saml/${created.id}/metadata`,
        acsUrl: `http://localhost:3000/api/sso/saml/${created.id}/acs`,
        metadataUrl: `http://localhost:3000/api/sso/saml/${created.id}/metadata`,
      },
    });
    expect(view.saml!.certificates).toHaveLength(1);
    expect(view.saml!.certificates[0]!.subject).toContain("idp.example.com");
    const row = await db.ssoConnection.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.samlCertificates[0]).toContain("-----BEGIN CERTIFICATE-----");
    expect(row.samlCertificates[0]!.replace(/-----[A-Z ]+-----|\s/g, "")).toBe(certBody());
    expect(await db.auditLog.count({ where: { orgId: t.org.id, action: "sso.connection.created", targetId: created.id } })).toBe(1);

    // Or the three fields; a field given wins over the metadata.
    const fields = await createConnection(ctx, { protocol: "SAML", name: "Okta", enabled: true, entityId: "http://www.okta.com/exk1", ssoUrl: "https://acme.okta.com/app/sso/saml", certificates: [certBody()] });
    expect(fields.saml).toMatchObject({ entityId: "http://www.okta.com/exk1", ssoUrl: "https://acme.okta.com/app/sso/saml" });
    const updated = await updateConnection(ctx, fields.id, { ssoUrl: "https://acme.okta.com/app/sso/saml2" });
    expect(updated.saml?.ssoUrl).toBe("https://acme.okta.com/app/sso/saml2");
    expect((await rejection(updateConnection(ctx, fields.id, { clientSecret: "x" }))).code).toBe("validation_failed");
  });

  it("refuses metadata it cannot use", async () => {
    const { ctx } = await tenant("SamlBad");
    const create = (input: Record<string, unknown>) => createConnection(ctx, { protocol: "SAML", name: "IdP", enabled: true, ...input });
    expect((await rejection(create({ metadataXml: "<not-xml" }))).code).toBe("saml_metadata_invalid");
    expect((await rejection(create({ metadataXml: `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${idpMetadata("urn:x", "https://x.example")}` }))).code).toBe("saml_metadata_invalid");
    expect((await rejection(create({ metadataXml: idpMetadata("urn:x", "https://x.example").replace(/<md:KeyDescriptor use="signing">[\s\S]*?<\/md:KeyDescriptor>/, "") }))).message).toContain("no signing certificate");
    expect((await rejection(create({ entityId: "urn:x", ssoUrl: "https://x.example", certificates: ["not a certificate"] }))).code).toBe("saml_metadata_invalid");
    const missing = await rejection(create({ entityId: "urn:x" }));
    expect(missing.code).toBe("validation_failed");
    expect(missing.issues?.map((i) => i.path).sort()).toEqual(["certificates", "ssoUrl"]);
  });
});
