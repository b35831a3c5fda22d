import "server-only";
import { ssoStartPath } from "./urls";
import type { SamlFailureReason } from "./saml";

/**
 * The page a browser sees when a SAML sign-in is refused: a plain HTML
 * document (the API's CSP loads nothing, so it has no styles or scripts) with
 * what went wrong in words, the request id for the administrator, and a way
 * back. Never a stack trace, never the library's message.
 */
const MESSAGES: Record<SamlFailureReason, string> = {
  response_missing: "No SAML response was received. Start the sign-in again from Gatehouse.",
  malformed_response: "The identity provider's response could not be read.",
  idp_error: "The identity provider could not sign you in. Try again, or ask your administrator.",
  assertion_missing: "The identity provider's response did not contain an assertion.",
  encrypted_assertion: "The identity provider encrypted the assertion; Gatehouse accepts signed, unencrypted assertions. Ask your administrator to turn off assertion encryption for Gatehouse.",
  unsigned: "The identity provider's assertion was not signed. Gatehouse requires signed assertions.",
  bad_signature: "The assertion's signature does not match the signing certificate configured for this connection.",
  signature_wrapping: "The identity provider's response was not in an accepted form.",
  wrong_audience: "The assertion was meant for another service provider. Check the SP entity ID configured at the identity provider.",
  wrong_recipient: "The response was meant for another address. Check the ACS URL configured at the identity provider.",
  expired: "The sign-in response has expired. Start the sign-in again.",
  not_yet_valid: "The sign-in response is not valid yet. Check the identity provider's clock and try again.",
  expiry_missing: "The assertion has no expiry; Gatehouse requires one.",
  issuer_mismatch: "The response came from an identity provider other than the one configured for this connection.",
  subject_confirmation_missing: "The assertion cannot be used for browser sign-in (no bearer subject confirmation).",
  unsolicited_response: "Sign-in started at the identity provider is not accepted. Start the sign-in from Gatehouse.",
  unknown_request: "This response does not answer a sign-in started here, or the sign-in took longer than 10 minutes. Start the sign-in again.",
  other_browser: "This sign-in was started in another browser (or this browser's cookies were cleared). Start the sign-in again here.",
  replayed: "This sign-in response has already been used. Start the sign-in again.",
  nameid_transient: "The identity provider sent a transient NameID. Configure it to send the email address (or a persistent id) as NameID.",
  connection_unavailable: "This single sign-on connection is not available.",
  subject_missing: "The identity provider did not identify the user (no NameID).",
  email_missing: "The identity provider did not send an email address.",
  email_not_verified: "The identity provider says your email address is not verified.",
  email_domain_not_verified: "Your email address is not in a domain this organisation has verified for single sign-on.",
  account_disabled: "Your Gatehouse account is disabled.",
  membership_suspended: "Your access to this organisation is suspended.",
  internal_error: "Something went wrong on our side. Try again in a moment.",
};

const escape = (value: string) => value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export function samlErrorMessage(reason: SamlFailureReason): string {
  return MESSAGES[reason] ?? MESSAGES.internal_error;
}

export function samlErrorPage(input: { reason: SamlFailureReason; status: number; orgSlug: string | null; requestId: string }): Response {
  const retry = input.orgSlug ? `<p><a href="${escape(ssoStartPath(input.orgSlug))}">Try single sign-on again</a> · <a href="/sign-in">Sign in another way</a></p>` : `<p><a href="/sign-in">Go to sign-in</a></p>`;
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Single sign-on failed · Gatehouse</title></head>
<body>
<main>
<h1>Single sign-on failed</h1>
<p>${escape(samlErrorMessage(input.reason))}</p>
${retry}
<p><small>Reason: ${escape(input.reason)} · Request id: ${escape(input.requestId)}</small></p>
</main>
</body>
</html>
`;
  return new Response(html, { status: input.status, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });
}
