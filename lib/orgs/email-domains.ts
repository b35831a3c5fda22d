import { z } from "zod";

/** The exact domain after the last `@`, lower-cased. */
export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf("@") + 1).trim().toLowerCase();
}

/**
 * Whether an email's domain is on an allowlist. Exact, case-insensitive match
 * only: `evil-acme.com` and `sub.acme.com` are not `acme.com`. An empty list
 * allows everyone.
 */
export function domainAllowed(email: string, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return true;
  const raw = emailDomain(email);
  // Allowlists hold punycode; an email may spell the same domain in Unicode.
  const domain = canonicalDomain(raw) ?? raw;
  return allowed.some((entry) => entry.toLowerCase() === domain);
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
/** Letters, digits and marks of any script, hyphens and the dots IDNA maps to ".": no scheme, port, path, user, wildcard or space. */
const DOMAIN_CHARACTERS = /^[\p{L}\p{M}\p{N}.\u3002\uFF0E\uFF61-]+$/u;

/**
 * A domain name in the form it is stored and compared in: lower case,
 * internationalised labels as punycode (`Bücher.de` → `xn--bcher-kva.de`),
 * at least two labels, each a valid hostname label, and a top-level label of
 * letters (or punycode). Null for anything else: `example`, `*.example.com`,
 * `https://example.com`, `a@b.com`, an IP address. It runs in the browser
 * too (the URL parser maps IDN by UTS #46 there as well), so the console can
 * show the stored form as the user types; the server's answer is the one kept.
 */
export function canonicalDomain(text: string): string | null {
  const input = text.trim();
  if (input.length === 0 || input.length > 253 || !DOMAIN_CHARACTERS.test(input)) return null;
  let host: string;
  try {
    host = new URL(`http://${input}`).hostname;
  } catch {
    return null;
  }
  const labels = host.split(".");
  if (host.length > 253 || labels.length < 2 || !labels.every((label) => LABEL.test(label))) return null;
  return TLD.test(labels.at(-1)!) ? host : null;
}

/** A domain name, canonicalised by `canonicalDomain`. */
export const domainName = z.string().transform((value, ctx) => {
  const canonical = canonicalDomain(value);
  if (canonical !== null) return canonical;
  ctx.addIssue({ code: "custom", message: "Enter a domain such as example.com" });
  return z.NEVER;
});

export const emailAddress = z.string().trim().toLowerCase().max(254).pipe(z.email("Enter a valid email address"));
