import "server-only";
import { DOMParser } from "@xmldom/xmldom";

/**
 * SAML responses as Gatehouse reads them, around what @node-saml/node-saml
 * checks (signatures, audience, Conditions' time window):
 *
 * - `inspectResponse` looks at the whole, unverified document BEFORE the
 *   library: no DOCTYPE, a protocol Response at the root, exactly one element
 *   named Assertion in the whole document (in any namespace, at any depth),
 *   a direct child of the Response, carrying its own enveloped signature and
 *   Conditions with an expiry and an audience restriction; no encrypted assertion (Gatehouse publishes no encryption key); no two
 *   elements with the same ID. Every known signature-wrapping shape needs a
 *   second assertion or a moved one, so it stops here.
 * - `readAssertion` reads the identity out of the assertion the library
 *   returns, which is the signed bytes only (the reference xml-crypto
 *   verified), never the posted document.
 * - `checkAssertion` applies what the library leaves out: the IdP issuer, a
 *   bearer SubjectConfirmation for our ACS with its own time window, an
 *   InResponseTo inside the signed assertion (IdP-initiated responses are
 *   refused), an expiry to keep the assertion id against replay.
 */
export const SAMLP_NS = "urn:oasis:names:tc:SAML:2.0:protocol";
export const SAML_NS = "urn:oasis:names:tc:SAML:2.0:assertion";
const DS_NS = "http://www.w3.org/2000/09/xmldsig#";
const BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
const SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";
export const NAMEID_EMAIL = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
const NAMEID_TRANSIENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";

/** Why a SAML response was refused: what the audit event records and the error page explains. */
export const SAML_REFUSALS = [
  "response_missing",
  "malformed_response",
  "idp_error",
  "assertion_missing",
  "encrypted_assertion",
  "unsigned",
  "bad_signature",
  "signature_wrapping",
  "wrong_audience",
  "expired",
  "not_yet_valid",
  "expiry_missing",
  "issuer_mismatch",
  "wrong_recipient",
  "subject_confirmation_missing",
  "unsolicited_response",
  "unknown_request",
  "other_browser",
  "replayed",
  "nameid_transient",
] as const;
export type SamlRefusal = (typeof SAML_REFUSALS)[number];

export class SamlRefused extends Error {
  constructor(
    readonly reason: SamlRefusal,
    /** What went wrong in more words, for the audit event (never shown to the user). */
    readonly detail?: string,
  ) {
    super(`SAML response refused: ${reason}${detail ? ` (${detail})` : ""}`);
    this.name = "SamlRefused";
  }
}

type Node = { nodeType: number; localName?: string | null; namespaceURI?: string | null; parentNode?: Node | null; childNodes?: ArrayLike<Node> };

function parse(xml: string, what: string): Document {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new SamlRefused("malformed_response", `${what} has a DOCTYPE`);
  const errors: string[] = [];
  const doc = new DOMParser({
    errorHandler: { warning: () => undefined, error: (m: string) => errors.push(m), fatalError: (m: string) => errors.push(m) },
  }).parseFromString(xml, "text/xml") as unknown as Document | undefined;
  if (errors.length || !doc?.documentElement) throw new SamlRefused("malformed_response", `${what} is not well-formed XML`);
  return doc;
}

function elements(parent: Element | Document): Element[] {
  return Array.from(parent.getElementsByTagName("*") as unknown as ArrayLike<Element>);
}

/** Direct element children with this namespace and local name. */
function childrenNamed(parent: Element, ns: string, name: string): Element[] {
  return Array.from((parent as unknown as Node).childNodes ?? []).filter(
    (n): n is Node => n.nodeType === 1 && n.localName === name && n.namespaceURI === ns,
  ) as unknown as Element[];
}

function child(parent: Element, ns: string, name: string): Element | null {
  return childrenNamed(parent, ns, name)[0] ?? null;
}

const text = (el: Element | null) => el?.textContent?.trim() ?? "";
const attr = (el: Element | null, name: string) => el?.getAttribute(name)?.trim() || null;

export interface ResponseShape {
  /** The ID of the one assertion, as posted (compared with the signed one). */
  assertionId: string;
  /** The Response's InResponseTo and Destination (not signed when only the assertion is: checked for agreement only). */
  inResponseTo: string | null;
  destination: string | null;
  issuer: string | null;
}

/** The unverified document's shape; throws SamlRefused for anything but one signed assertion in its place. */
export function inspectResponse(xml: string): ResponseShape {
  const doc = parse(xml, "the SAML response");
  const root = doc.documentElement;
  if (root.localName !== "Response" || root.namespaceURI !== SAMLP_NS) throw new SamlRefused("malformed_response", "the root is not a SAML protocol Response");
  const all = elements(doc);

  const ids = all.map((el) => el.getAttribute("ID")).filter((id): id is string => Boolean(id));
  if (new Set(ids).size !== ids.length) throw new SamlRefused("signature_wrapping", "two elements share an ID");

  const status = child(root, SAMLP_NS, "Status");
  const code = attr(status && child(status, SAMLP_NS, "StatusCode"), "Value");
  if (code && code !== SUCCESS) {
    const message = text(status && child(status, SAMLP_NS, "StatusMessage"));
    throw new SamlRefused("idp_error", `${code}${message ? `: ${message}` : ""}`);
  }

  if (all.some((el) => el.localName === "EncryptedAssertion")) throw new SamlRefused("encrypted_assertion", "encrypted assertions are not accepted");
  const assertions = all.filter((el) => el.localName === "Assertion");
  if (assertions.length === 0) throw new SamlRefused("assertion_missing", "the response carries no assertion");
  if (assertions.length > 1) throw new SamlRefused("signature_wrapping", `${assertions.length} assertions in the response`);
  const assertion = assertions[0]!;
  if (assertion.namespaceURI !== SAML_NS || (assertion as unknown as Node).parentNode !== (root as unknown as Node)) {
    throw new SamlRefused("signature_wrapping", "the assertion is not a direct child of the response");
  }
  const id = attr(assertion, "ID");
  if (!id) throw new SamlRefused("malformed_response", "the assertion has no ID");
  if (childrenNamed(assertion, DS_NS, "Signature").length === 0) throw new SamlRefused("unsigned", "the assertion carries no signature");
  // Refused early with a clear reason (the library would stumble on them); checked again on the signed assertion.
  const conditions = childrenNamed(assertion, SAML_NS, "Conditions");
  if (conditions.length !== 1 || !attr(conditions[0]!, "NotOnOrAfter")) throw new SamlRefused("expiry_missing", "the assertion's Conditions have no NotOnOrAfter");
  if (childrenNamed(conditions[0]!, SAML_NS, "AudienceRestriction").length === 0) throw new SamlRefused("wrong_audience", "the assertion has no AudienceRestriction");

  return { assertionId: id, inResponseTo: attr(root, "InResponseTo"), destination: attr(root, "Destination"), issuer: text(child(root, SAML_NS, "Issuer")) || null };
}

export interface SubjectConfirmation {
  method: string | null;
  notBefore: string | null;
  notOnOrAfter: string | null;
  recipient: string | null;
  inResponseTo: string | null;
}

export interface AssertionFacts {
  id: string;
  issuer: string;
  nameId: string;
  nameIdFormat: string | null;
  confirmations: SubjectConfirmation[];
  conditions: { notBefore: string | null; notOnOrAfter: string | null; audiences: string[] } | null;
  /** Attribute name → its values, in order. */
  attributes: Map<string, string[]>;
}

/** The facts of a verified assertion (the XML the signature covers). */
export function readAssertion(signedXml: string): AssertionFacts {
  const doc = parse(signedXml, "the signed assertion");
  const root = doc.documentElement;
  if (root.localName !== "Assertion" || root.namespaceURI !== SAML_NS) throw new SamlRefused("malformed_response", "the signed element is not an assertion");
  const subject = child(root, SAML_NS, "Subject");
  const nameId = subject && child(subject, SAML_NS, "NameID");
  const confirmations = subject
    ? childrenNamed(subject, SAML_NS, "SubjectConfirmation").map((sc) => {
        const data = child(sc, SAML_NS, "SubjectConfirmationData");
        return {
          method: attr(sc, "Method"),
          notBefore: attr(data, "NotBefore"),
          notOnOrAfter: attr(data, "NotOnOrAfter"),
          recipient: attr(data, "Recipient"),
          inResponseTo: attr(data, "InResponseTo"),
        };
      })
    : [];
  const allConditions = childrenNamed(root, SAML_NS, "Conditions");
  if (allConditions.length > 1) throw new SamlRefused("malformed_response", "more than one Conditions element");
  const cond = allConditions[0] ?? null;
  const conditions = cond
    ? {
        notBefore: attr(cond, "NotBefore"),
        notOnOrAfter: attr(cond, "NotOnOrAfter"),
        audiences: childrenNamed(cond, SAML_NS, "AudienceRestriction").flatMap((r) => childrenNamed(r, SAML_NS, "Audience").map(text)),
      }
    : null;
  const attributes = new Map<string, string[]>();
  for (const statement of childrenNamed(root, SAML_NS, "AttributeStatement")) {
    for (const attribute of childrenNamed(statement, SAML_NS, "Attribute")) {
      const name = attr(attribute, "Name");
      if (!name) continue;
      const values = childrenNamed(attribute, SAML_NS, "AttributeValue").map(text).filter(Boolean);
      attributes.set(name, [...(attributes.get(name) ?? []), ...values]);
    }
  }
  return {
    id: attr(root, "ID") ?? "",
    issuer: text(child(root, SAML_NS, "Issuer")),
    nameId: text(nameId),
    nameIdFormat: attr(nameId, "Format"),
    confirmations,
    conditions,
    attributes,
  };
}

function instant(value: string, what: string): number {
  // xs:dateTime; a value without a zone is read as UTC, which SAML requires anyway.
  const ms = Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(value) ? value : `${value}Z`);
  if (Number.isNaN(ms)) throw new SamlRefused("malformed_response", `${what} is not a date`);
  return ms;
}

/** NotBefore / NotOnOrAfter against now, with the skew either way. */
function window(notBefore: string | null, notOnOrAfter: string | null, now: number, skewMs: number, what: string) {
  if (notBefore && now + skewMs < instant(notBefore, `${what} NotBefore`)) throw new SamlRefused("not_yet_valid", `${what} NotBefore ${notBefore}`);
  if (notOnOrAfter && now - skewMs >= instant(notOnOrAfter, `${what} NotOnOrAfter`)) throw new SamlRefused("expired", `${what} NotOnOrAfter ${notOnOrAfter}`);
}

export interface Expected {
  /** The connection's IdP entity id. */
  issuer: string;
  /** Our SP entity id. */
  audience: string;
  /** Our ACS URL. */
  acsUrl: string;
  now: number;
  skewMs: number;
}

export interface CheckedAssertion {
  /** The AuthnRequest this answers (from the signed SubjectConfirmationData). */
  inResponseTo: string;
  /** Until when the assertion id must be kept against replay. */
  keepUntil: Date;
}

/** What node-saml does not check, on the signed assertion; throws SamlRefused. */
export function checkAssertion(facts: AssertionFacts, shape: ResponseShape, expected: Expected): CheckedAssertion {
  if (!facts.id || facts.id !== shape.assertionId) throw new SamlRefused("signature_wrapping", "the signed assertion is not the one in the response");
  if (facts.issuer !== expected.issuer) throw new SamlRefused("issuer_mismatch", `assertion issuer ${facts.issuer.slice(0, 200) || "(none)"}`);
  if (shape.issuer && shape.issuer !== expected.issuer) throw new SamlRefused("issuer_mismatch", `response issuer ${shape.issuer.slice(0, 200)}`);
  if (shape.destination && shape.destination !== expected.acsUrl) throw new SamlRefused("wrong_recipient", `response destination ${shape.destination.slice(0, 200)}`);

  const conditions = facts.conditions;
  if (!conditions?.notOnOrAfter) throw new SamlRefused("expiry_missing", "the assertion's Conditions have no NotOnOrAfter");
  window(conditions.notBefore, conditions.notOnOrAfter, expected.now, expected.skewMs, "Conditions");
  if (!conditions.audiences.includes(expected.audience)) throw new SamlRefused("wrong_audience", `audiences ${conditions.audiences.join(", ").slice(0, 200) || "(none)"}`);

  const bearers = facts.confirmations.filter((c) => c.method === BEARER);
  if (bearers.length === 0) throw new SamlRefused("subject_confirmation_missing", "no bearer SubjectConfirmation");
  // The bearer confirmation for us: our ACS as its Recipient, within its own window.
  const forUs = bearers.filter((c) => c.recipient === expected.acsUrl);
  if (forUs.length === 0) throw new SamlRefused("wrong_recipient", `recipient ${bearers.map((c) => c.recipient ?? "(none)").join(", ").slice(0, 200)}`);
  const bearer = forUs[0]!;
  if (!bearer.notOnOrAfter) throw new SamlRefused("expiry_missing", "the bearer SubjectConfirmationData has no NotOnOrAfter");
  window(bearer.notBefore, bearer.notOnOrAfter, expected.now, expected.skewMs, "SubjectConfirmationData");

  if (!bearer.inResponseTo) throw new SamlRefused("unsolicited_response", "IdP-initiated sign-in (no InResponseTo) is not accepted");
  if (shape.inResponseTo && shape.inResponseTo !== bearer.inResponseTo) throw new SamlRefused("unknown_request", "the response and the assertion answer different requests");

  if (facts.nameIdFormat === NAMEID_TRANSIENT) throw new SamlRefused("nameid_transient", "a transient NameID cannot identify a user across sign-ins");

  const keepUntil = Math.max(instant(conditions.notOnOrAfter, "Conditions NotOnOrAfter"), instant(bearer.notOnOrAfter, "SubjectConfirmationData NotOnOrAfter")) + expected.skewMs;
  return { inResponseTo: bearer.inResponseTo, keepUntil: new Date(keepUntil) };
}

const EMAIL_ATTRIBUTES = [
  "email",
  "mail",
  "emailAddress",
  "urn:oid:0.9.2342.19200300.100.1.3",
  "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
];
const NAME_ATTRIBUTES = ["displayName", "name", "http://schemas.microsoft.com/identity/claims/displayname", "urn:oid:2.16.840.1.113730.3.1.241"];
const GIVEN = ["givenName", "firstName", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname", "urn:oid:2.5.4.42"];
const SURNAME = ["surname", "sn", "lastName", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname", "urn:oid:2.5.4.4"];

function first(attributes: Map<string, string[]>, names: readonly string[]): string | null {
  for (const name of names) {
    const value = attributes.get(name)?.[0];
    if (value) return value;
  }
  return null;
}

/** Subject, email and name for linking: the NameID is the subject; the email is an email attribute, else an email-shaped NameID. */
export function identityOf(facts: AssertionFacts): { subject: string; email: string | null; name: string | null } {
  const nameIdEmail = facts.nameIdFormat === NAMEID_EMAIL || facts.nameId.includes("@") ? facts.nameId : null;
  const given = first(facts.attributes, GIVEN);
  const surname = first(facts.attributes, SURNAME);
  const joined = [given, surname].filter(Boolean).join(" ");
  return {
    subject: facts.nameId,
    email: first(facts.attributes, EMAIL_ATTRIBUTES) ?? nameIdEmail,
    name: first(facts.attributes, NAME_ATTRIBUTES) ?? (joined || null),
  };
}
