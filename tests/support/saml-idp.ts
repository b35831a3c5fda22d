import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { SignedXml } from "xml-crypto";
import { db } from "@/lib/db/client";

/**
 * A SAML identity provider for tests: RSA keys and self-signed certificates
 * made by `openssl` in a temporary directory, SAML responses built as text and
 * their assertions signed with xml-crypto (RSA-SHA256, exclusive c14n,
 * enveloped), the way Okta and Entra sign them.
 */
export interface IdpKeys {
  key: string;
  cert: string;
}

/** A fresh key pair and self-signed certificate from openssl. */
export function makeIdpKeys(commonName = "Test IdP"): IdpKeys {
  const dir = mkdtempSync(path.join(tmpdir(), "saml-idp-"));
  try {
    const keyFile = path.join(dir, "key.pem");
    const certFile = path.join(dir, "cert.pem");
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", certFile, "-days", "2", "-subj", `/CN=${commonName}`, "-sha256"],
      { stdio: "ignore" },
    );
    return { key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const NAMEID_EMAIL = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
export const NAMEID_PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";

export interface AssertionInput {
  issuer: string;
  /** Our SP entity id. */
  audience: string;
  /** Our ACS URL (SubjectConfirmationData Recipient). */
  recipient: string;
  /** The AuthnRequest id answered; null leaves it out (IdP-initiated). */
  inResponseTo: string | null;
  nameId: string;
  nameIdFormat?: string;
  /** Attribute name → value(s). */
  attributes?: Record<string, string | string[]>;
  id?: string;
  /** Conditions window; defaults to now − 1 min … now + 5 min. */
  notBefore?: Date | null;
  notOnOrAfter?: Date | null;
  /** SubjectConfirmationData NotOnOrAfter; defaults to notOnOrAfter (or now + 5 min). */
  subjectNotOnOrAfter?: Date | null;
  issueInstant?: Date;
  /** Leave out the Conditions element altogether. */
  noConditions?: boolean;
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
export const newId = () => `_${randomUUID().replace(/-/g, "")}`;

/** An unsigned saml:Assertion, declaring its own namespace (so it can be signed alone and placed anywhere). */
export function assertionXml(input: AssertionInput): string {
  const now = Date.now();
  const notBefore = input.notBefore === undefined ? new Date(now - 60_000) : input.notBefore;
  const notOnOrAfter = input.notOnOrAfter === undefined ? new Date(now + 5 * 60_000) : input.notOnOrAfter;
  const subjectNotOnOrAfter = input.subjectNotOnOrAfter === undefined ? (notOnOrAfter ?? new Date(now + 5 * 60_000)) : input.subjectNotOnOrAfter;
  const attrs = Object.entries(input.attributes ?? {})
    .map(
      ([name, value]) =>
        `<saml:Attribute Name="${esc(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">${(Array.isArray(value) ? value : [value])
          .map((v) => `<saml:AttributeValue>${esc(v)}</saml:AttributeValue>`)
          .join("")}</saml:Attribute>`,
    )
    .join("");
  const confirmationData = [
    input.inResponseTo !== null ? `InResponseTo="${esc(input.inResponseTo)}"` : "",
    subjectNotOnOrAfter ? `NotOnOrAfter="${iso(subjectNotOnOrAfter)}"` : "",
    `Recipient="${esc(input.recipient)}"`,
  ]
    .filter(Boolean)
    .join(" ");
  const conditions = input.noConditions
    ? ""
    : `<saml:Conditions${notBefore ? ` NotBefore="${iso(notBefore)}"` : ""}${notOnOrAfter ? ` NotOnOrAfter="${iso(notOnOrAfter)}"` : ""}><saml:AudienceRestriction><saml:Audience>${esc(input.audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>`;
  return (
    `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${input.id ?? newId()}" IssueInstant="${iso(input.issueInstant ?? new Date(now))}" Version="2.0">` +
    `<saml:Issuer>${esc(input.issuer)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="${input.nameIdFormat ?? NAMEID_EMAIL}">${esc(input.nameId)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData ${confirmationData}/></saml:SubjectConfirmation></saml:Subject>` +
    conditions +
    `<saml:AuthnStatement AuthnInstant="${iso(new Date(now))}" SessionIndex="${newId()}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    (attrs ? `<saml:AttributeStatement>${attrs}</saml:AttributeStatement>` : "") +
    `</saml:Assertion>`
  );
}

/** The assertion with an enveloped signature (after its Issuer) by this key. */
export function signAssertion(xml: string, keys: IdpKeys): string {
  const sig = new SignedXml({
    privateKey: keys.key,
    publicCert: keys.cert,
    canonicalizationAlgorithm: "http://www.w3.org/2001/10/xml-exc-c14n#",
    signatureAlgorithm: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
  });
  sig.addReference({
    xpath: "/*[local-name(.)='Assertion']",
    transforms: ["http://www.w3.org/2000/09/xmldsig#enveloped-signature", "http://www.w3.org/2001/10/xml-exc-c14n#"],
    digestAlgorithm: "http://www.w3.org/2001/04/xmlenc#sha256",
  });
  sig.computeSignature(xml, { prefix: "ds", location: { reference: "/*[local-name(.)='Assertion']/*[local-name(.)='Issuer']", action: "after" } });
  return sig.getSignedXml();
}

/** The whole response signed as well (enveloped, after the response's Issuer), as Google and some Okta set-ups do. */
export function signResponse(xml: string, keys: IdpKeys): string {
  const sig = new SignedXml({
    privateKey: keys.key,
    publicCert: keys.cert,
    canonicalizationAlgorithm: "http://www.w3.org/2001/10/xml-exc-c14n#",
    signatureAlgorithm: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
  });
  sig.addReference({
    xpath: "/*[local-name(.)='Response']",
    transforms: ["http://www.w3.org/2000/09/xmldsig#enveloped-signature", "http://www.w3.org/2001/10/xml-exc-c14n#"],
    digestAlgorithm: "http://www.w3.org/2001/04/xmlenc#sha256",
  });
  sig.computeSignature(xml, { prefix: "ds", location: { reference: "/*[local-name(.)='Response']/*[local-name(.)='Issuer']", action: "after" } });
  return sig.getSignedXml();
}

export interface ResponseInput {
  issuer: string;
  destination?: string | null;
  inResponseTo?: string | null;
  /** Placed as they are, in order, after the Status. */
  body: string;
  /** XML placed between the Issuer and the Status (e.g. samlp:Extensions). */
  extensions?: string;
  statusCode?: string;
}

export function responseXml(input: ResponseInput): string {
  const attrs = [
    `ID="${newId()}"`,
    `Version="2.0"`,
    `IssueInstant="${iso(new Date())}"`,
    input.destination ? `Destination="${esc(input.destination)}"` : "",
    input.inResponseTo ? `InResponseTo="${esc(input.inResponseTo)}"` : "",
  ]
    .filter(Boolean)
    .join(" ");
  return (
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ${attrs}>` +
    `<saml:Issuer>${esc(input.issuer)}</saml:Issuer>` +
    (input.extensions ?? "") +
    `<samlp:Status><samlp:StatusCode Value="${input.statusCode ?? "urn:oasis:names:tc:SAML:2.0:status:Success"}"/></samlp:Status>` +
    input.body +
    `</samlp:Response>`
  );
}

export const encode = (xml: string) => Buffer.from(xml, "utf8").toString("base64");

/** An enabled SAML connection straight in the database (no audit event). */
export async function makeSamlConnection(orgId: string, input: { entityId: string; certificates: string[]; ssoUrl?: string; enabled?: boolean }) {
  return db.ssoConnection.create({
    data: {
      orgId,
      protocol: "SAML",
      name: `SAML ${randomUUID().slice(0, 8)}`,
      enabled: input.enabled ?? true,
      samlEntityId: input.entityId,
      samlSsoUrl: input.ssoUrl ?? `${new URL(input.entityId).origin}/sso/saml`,
      samlCertificates: input.certificates,
    },
  });
}

let cachedKeys: IdpKeys | undefined;
/** One IdP key pair per test process, for tests that need a SAML connection but sign nothing. */
export function sharedIdpKeys(): IdpKeys {
  cachedKeys ??= makeIdpKeys("Shared test IdP");
  return cachedKeys;
}
