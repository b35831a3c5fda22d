import type { RateLimitPolicy } from "./types";

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * Every rate limit Gatehouse applies, by name. Created once, here; each
 * carries its failure mode. Fail closed where an attacker gains from the
 * limiter being down (guessing passwords, minting accounts or keys); fail open
 * where a backend outage must not take the product down with it.
 */
export const POLICIES = {
  signInIp: {
    description: "Sign-in attempts per client IP: slows credential stuffing from one address.",
    algorithm: "slidingWindow",
    limit: 20,
    windowMs: MINUTE,
    keyPrefix: "signin-ip",
    failMode: "closed",
  },
  signInEmail: {
    description: "Sign-in attempts per account email, from any address: slows password guessing.",
    algorithm: "slidingWindow",
    limit: 10,
    windowMs: 15 * MINUTE,
    keyPrefix: "signin-email",
    failMode: "closed",
    normalize: "lowercase",
  },
  signUpIp: {
    description: "Account sign-ups per client IP.",
    algorithm: "slidingWindow",
    limit: 10,
    windowMs: HOUR,
    keyPrefix: "signup-ip",
    failMode: "closed",
  },
  proxySignInIp: {
    description: "Coarse per-IP limit in proxy.ts in front of the sign-in routes; not the security boundary.",
    algorithm: "fixedWindow",
    limit: 60,
    windowMs: MINUTE,
    keyPrefix: "proxy-signin-ip",
    failMode: "open",
    store: "local",
  },
  apiKey: {
    description: "SDK calls per API key; a key may carry its own limit (pass `{ limit }`).",
    algorithm: "slidingWindow",
    limit: 600,
    windowMs: MINUTE,
    keyPrefix: "api-key",
    failMode: "open",
    allowLimitOverride: true,
  },
  org: {
    description: "SDK calls per organisation, across all its keys.",
    algorithm: "slidingWindow",
    limit: 6000,
    windowMs: MINUTE,
    keyPrefix: "org",
    failMode: "open",
  },
  management: {
    description: "Management API and console actions per user or API key.",
    algorithm: "slidingWindow",
    limit: 120,
    windowMs: MINUTE,
    keyPrefix: "management",
    failMode: "open",
  },
  scim: {
    description: "SCIM 2.0 requests per SCIM token: room for an identity provider's full sync, a brake on a leaked token; open, so a limiter outage never holds up a deprovisioning.",
    algorithm: "slidingWindow",
    limit: 600,
    windowMs: MINUTE,
    keyPrefix: "scim",
    failMode: "open",
  },
  ssoLookupIp: {
    description: "Email-first sign-in lookups (does this email's domain sign in with SSO?) per client IP; open: it reveals no account.",
    algorithm: "slidingWindow",
    limit: 30,
    windowMs: MINUTE,
    keyPrefix: "sso-lookup-ip",
    failMode: "open",
  },
  samlIp: {
    description: "SAML sign-in starts and ACS posts per client IP: a brake on floods (a start writes a row, a response costs a signature check) loose enough for a company behind one NAT address; open, so a limiter outage never locks a company out of SSO.",
    algorithm: "slidingWindow",
    limit: 300,
    windowMs: MINUTE,
    keyPrefix: "saml-ip",
    failMode: "open",
  },
  keyCreation: {
    description: "API-key and provider-key creation per user: a leaked session must not mint keys in bulk.",
    algorithm: "slidingWindow",
    limit: 20,
    windowMs: HOUR,
    keyPrefix: "key-creation",
    failMode: "closed",
  },
  mfa: {
    description: "MFA code attempts per user (verify, enrol, regenerate, disable): slows guessing a 6-digit code.",
    algorithm: "slidingWindow",
    limit: 10,
    windowMs: 15 * MINUTE,
    keyPrefix: "mfa",
    failMode: "closed",
  },
} as const satisfies Record<string, RateLimitPolicy>;

export type PolicyName = keyof typeof POLICIES;
