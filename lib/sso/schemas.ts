import { z } from "zod";
import { domainName } from "@/lib/orgs/email-domains";

/**
 * Verified domains and SSO connections as the API, the server actions and the
 * console see them. A connection view never holds the OIDC client secret: its
 * last four characters at most.
 */
const iso = z.date().transform((d) => d.toISOString());

// ---- Verified domains -------------------------------------------------------

export const addDomainInput = z.strictObject({ domain: domainName });
export type AddDomainInput = z.output<typeof addDomainInput>;
export const domainParams = z.object({ domainId: z.uuid() });

export const domainDto = z.object({
  id: z.uuid(),
  domain: z.string(),
  status: z.enum(["pending", "verified"]),
  /** The DNS TXT record to publish: `value` at `name`. */
  record: z.object({ type: z.literal("TXT"), name: z.string(), value: z.string() }),
  verifiedAt: iso.nullable(),
  lastCheckedAt: iso.nullable(),
  /** Why the last check failed, in words. */
  lastError: z.string().nullable(),
  createdAt: iso,
});
export type DomainView = z.input<typeof domainDto>;
export const domainListDto = z.object({ data: z.array(domainDto) });

// ---- SSO connections --------------------------------------------------------

export const connectionName = z
  .string("A name")
  .trim()
  .min(1, "Required")
  .max(80, "At most 80 characters")
  .regex(/^[^\p{Cc}]*$/u, "No control characters");

/** An absolute https URL (http only for loopback in development and tests: the service checks the policy). */
const httpUrl = z
  .string()
  .trim()
  .max(2000, "At most 2,000 characters")
  .pipe(z.url({ protocol: /^https?$/, message: "Enter an https:// URL" }));

export const oidcIssuer = httpUrl.refine((value) => {
  const url = URL.parse(value);
  return url === null || (!url.search && !url.hash && !url.username && !url.password);
}, "An issuer URL has no query, fragment or credentials");

export const oidcClientId = z.string("The client id").trim().min(1, "Required").max(255, "At most 255 characters").regex(/^[\x21-\x7e]+$/, "Printable characters only, without spaces");
/** Never echoed back in an issue. */
export const oidcClientSecret = z.string("The client secret").trim().min(1, "Required").max(1024, "At most 1,024 characters").regex(/^[\x20-\x7e]+$/, "Printable characters only");

/** A PEM certificate or its base64 body; normalised to PEM by the service. */
export const samlCertificate = z.string().trim().min(1).max(16_384, "At most 16 KB per certificate");

const samlFields = {
  /** IdP metadata XML: entity id, SSO URL and signing certificates are read from it. */
  metadataXml: z.string().trim().max(512 * 1024, "At most 512 KB").optional(),
  entityId: z.string().trim().min(1).max(1024, "At most 1,024 characters").optional(),
  ssoUrl: httpUrl.optional(),
  certificates: z.array(samlCertificate).max(5, "At most 5 certificates").optional(),
};

export const createConnectionInput = z.discriminatedUnion("protocol", [
  z.strictObject({
    protocol: z.literal("OIDC"),
    name: connectionName,
    issuer: oidcIssuer,
    clientId: oidcClientId,
    clientSecret: oidcClientSecret,
    enabled: z.boolean().default(true),
  }),
  z.strictObject({ protocol: z.literal("SAML"), name: connectionName, enabled: z.boolean().default(true), ...samlFields }),
]);
export type CreateConnectionInput = z.output<typeof createConnectionInput>;

/** Every field optional; the protocol cannot change. A new `clientSecret` replaces the old one; omitted, it is kept. */
export const updateConnectionInput = z.strictObject({
  name: connectionName.optional(),
  enabled: z.boolean().optional(),
  issuer: oidcIssuer.optional(),
  clientId: oidcClientId.optional(),
  clientSecret: oidcClientSecret.optional(),
  ...samlFields,
});
export type UpdateConnectionInput = z.output<typeof updateConnectionInput>;

export const connectionParams = z.object({ connectionId: z.uuid() });

export const oidcDiscoveryDto = z.object({
  issuer: z.string(),
  authorization_endpoint: z.string(),
  token_endpoint: z.string(),
  userinfo_endpoint: z.string().optional(),
  jwks_uri: z.string(),
  end_session_endpoint: z.string().optional(),
  scopes_supported: z.array(z.string()).optional(),
  id_token_signing_alg_values_supported: z.array(z.string()).optional(),
  code_challenge_methods_supported: z.array(z.string()).optional(),
  token_endpoint_auth_methods_supported: z.array(z.string()).optional(),
});
export type OidcDiscovery = z.output<typeof oidcDiscoveryDto>;

export const connectionDto = z.object({
  id: z.uuid(),
  protocol: z.enum(["OIDC", "SAML"]),
  name: z.string(),
  enabled: z.boolean(),
  oidc: z
    .object({
      issuer: z.string(),
      clientId: z.string(),
      clientSecretLast4: z.string().nullable(),
      /** The endpoints read from the issuer's discovery document, and when. */
      discovery: z
        .object({
          authorizationEndpoint: z.string(),
          tokenEndpoint: z.string(),
          userinfoEndpoint: z.string().nullable(),
          jwksUri: z.string(),
          fetchedAt: iso,
        })
        .nullable(),
      /** Paste this into the IdP as the sign-in redirect (callback) URI. */
      redirectUri: z.string(),
    })
    .nullable(),
  saml: z
    .object({
      entityId: z.string().nullable(),
      ssoUrl: z.string().nullable(),
      /** SHA-256 fingerprints and validity of the IdP's signing certificates (the PEM stays on the server's side of the API). */
      certificates: z.array(z.object({ sha256: z.string(), subject: z.string().nullable(), notAfter: z.string().nullable() })),
      /** What the IdP needs from Gatehouse. */
      sp: z.object({ entityId: z.string(), acsUrl: z.string(), metadataUrl: z.string() }),
    })
    .nullable(),
  /** Where a user starts SSO with this org. */
  signInUrl: z.string(),
  createdAt: iso,
  updatedAt: iso,
});
export type ConnectionView = z.input<typeof connectionDto>;
export const connectionListDto = z.object({ data: z.array(connectionDto) });

// ---- Sign-in lookup ---------------------------------------------------------

export const ssoLookupInput = z.object({ email: z.string().trim().toLowerCase().max(254) });
export type SsoLookup = { mode: "sso"; url: string } | { mode: "password" };
