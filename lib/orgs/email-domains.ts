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
  const domain = emailDomain(email);
  return allowed.some((entry) => entry.toLowerCase() === domain);
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** A DNS name with at least two labels and a letter-only TLD, lower-cased. */
export const domainName = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .refine((value) => {
    const labels = value.split(".");
    return labels.length >= 2 && labels.every((l) => LABEL.test(l)) && /^[a-z]{2,63}$/.test(labels.at(-1) ?? "");
  }, "Enter a domain such as example.com");

export const emailAddress = z.string().trim().toLowerCase().max(254).pipe(z.email("Enter a valid email address"));
