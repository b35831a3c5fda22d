import "server-only";
import { X509Certificate } from "node:crypto";
import { DOMParser } from "@xmldom/xmldom";
import { AppError } from "@/lib/security/errors";

/**
 * What Gatehouse keeps of a SAML IdP: its entity id, its single sign-on URL
 * and its signing certificates (PEM). Read from the IdP's metadata XML, or
 * entered as the three fields; the protocol itself lives in the SAML routes.
 */
export interface SamlIdp {
  entityId: string;
  ssoUrl: string;
  certificates: string[];
}

const MD = "urn:oasis:names:tc:SAML:2.0:metadata";
const DS = "http://www.w3.org/2000/09/xmldsig#";
const REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
const POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

function invalid(message: string): never {
  throw new AppError("saml_metadata_invalid", message);
}

/** A certificate as PEM, from PEM or its bare base64 body; refused unless it parses as X.509. */
export function normaliseCertificate(text: string): string {
  const body = text
    .replace(/-----BEGIN CERTIFICATE-----/g, "")
    .replace(/-----END CERTIFICATE-----/g, "")
    .replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) invalid("A signing certificate is not a PEM or base64 X.509 certificate.");
  const pem = `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)!.join("\n")}\n-----END CERTIFICATE-----\n`;
  try {
    new X509Certificate(pem);
  } catch {
    invalid("A signing certificate is not a valid X.509 certificate.");
  }
  return pem;
}

/** SHA-256 fingerprint, subject and expiry of a stored certificate, for display. */
export function describeCertificate(pem: string): { sha256: string; subject: string | null; notAfter: string | null } {
  try {
    const cert = new X509Certificate(pem);
    return { sha256: cert.fingerprint256, subject: cert.subject.replace(/\n/g, ", ") || null, notAfter: new Date(cert.validTo).toISOString() };
  } catch {
    return { sha256: "unreadable", subject: null, notAfter: null };
  }
}

function children(parent: Element, ns: string, name: string): Element[] {
  return Array.from(parent.getElementsByTagNameNS(ns, name) as unknown as ArrayLike<Element>);
}

/**
 * The IdP described by a metadata document: the first EntityDescriptor with
 * an IDPSSODescriptor; its SingleSignOnService (HTTP-Redirect preferred, else
 * HTTP-POST); its KeyDescriptors for signing (or for any use). A DOCTYPE is
 * refused outright (no entities, internal or external).
 */
export function parseIdpMetadata(xml: string): SamlIdp {
  if (/<!DOCTYPE/i.test(xml)) invalid("Metadata with a DOCTYPE is not accepted.");
  const errors: string[] = [];
  const doc = new DOMParser({
    errorHandler: { warning: () => undefined, error: (m: string) => errors.push(m), fatalError: (m: string) => errors.push(m) },
  }).parseFromString(xml, "text/xml");
  if (errors.length || !doc?.documentElement) invalid("The metadata is not well-formed XML.");
  const root = doc.documentElement as unknown as Element;
  const entities = root.localName === "EntityDescriptor" && root.namespaceURI === MD ? [root] : children(root, MD, "EntityDescriptor");
  const entity = entities.find((e) => children(e, MD, "IDPSSODescriptor").length > 0);
  if (!entity) invalid("The metadata has no IdP (no EntityDescriptor with an IDPSSODescriptor).");
  const entityId = entity.getAttribute("entityID")?.trim();
  if (!entityId) invalid("The IdP's EntityDescriptor has no entityID.");
  const idp = children(entity, MD, "IDPSSODescriptor")[0]!;
  const services = children(idp, MD, "SingleSignOnService");
  const service = services.find((s) => s.getAttribute("Binding") === REDIRECT) ?? services.find((s) => s.getAttribute("Binding") === POST);
  const ssoUrl = service?.getAttribute("Location")?.trim();
  if (!ssoUrl || !URL.canParse(ssoUrl)) invalid("The IdP has no HTTP-Redirect or HTTP-POST SingleSignOnService.");
  const certificates = new Set<string>();
  for (const key of children(idp, MD, "KeyDescriptor")) {
    const use = key.getAttribute("use");
    if (use && use !== "signing") continue;
    for (const cert of children(key, DS, "X509Certificate")) certificates.add(normaliseCertificate(cert.textContent ?? ""));
  }
  if (certificates.size === 0) invalid("The IdP publishes no signing certificate.");
  return { entityId, ssoUrl, certificates: [...certificates] };
}
