import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { db } from "@/lib/db/client";
import { last4Of, seal } from "@/lib/vault/envelope";
import { keyRing } from "@/lib/vault/ring";
import { secretBinding } from "@/lib/sso/client-secret";
import { authenticateUser } from "@/lib/security/authenticate";
import { authorizeOrg } from "@/lib/security/authorize";
import { userActor, type OrgContext } from "@/lib/security/context";
import { sessionCookie } from "./fixtures";

/**
 * SSO fixtures for integration tests: domains and connections straight in the
 * database, and an HTTP server on loopback that plays an OIDC issuer's
 * discovery endpoint (its own URL as the issuer).
 */
const unique = () => randomUUID().slice(0, 8);

export function freshDomain(label = "corp"): string {
  return `${label}-${unique()}.example`;
}

export async function makeDomain(orgId: string, options: { domain?: string; verified?: boolean } = {}) {
  const domain = options.domain ?? freshDomain();
  const verified = options.verified ?? false;
  return db.orgDomain.create({
    data: { orgId, domain, token: randomUUID(), verifiedAt: verified ? new Date() : null, verifiedDomain: verified ? domain : null },
  });
}

export function discoveryDocument(issuer: string) {
  return {
    issuer,
    authorization_endpoint: `${issuer}/auth`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/me`,
    jwks_uri: `${issuer}/jwks`,
    scopes_supported: ["openid", "email", "profile"],
    id_token_signing_alg_values_supported: ["RS256"],
    code_challenge_methods_supported: ["S256"],
    response_types_supported: ["code"],
  };
}

export interface LocalIssuer {
  issuer: string;
  /** Discovery requests served so far. */
  hits: () => number;
  close: () => Promise<void>;
}

/** A loopback server answering `/.well-known/openid-configuration` for its own origin. */
export async function startDiscoveryServer(): Promise<LocalIssuer> {
  let hits = 0;
  let issuer = "";
  const server: Server = createServer((req, res) => {
    if (req.url === "/.well-known/openid-configuration") {
      hits++;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(discoveryDocument(issuer)));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  server.unref();
  return { issuer, hits: () => hits, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

let shared: Promise<LocalIssuer> | undefined;
/** One discovery server per test process, started on first use. */
export function localIssuer(): Promise<LocalIssuer> {
  shared ??= startDiscoveryServer();
  return shared;
}

/** An enabled OIDC connection with a sealed client secret, straight in the database (no audit event). */
export async function makeOidcConnection(orgId: string, options: { issuer?: string; secret?: string; enabled?: boolean; name?: string } = {}) {
  const id = randomUUID();
  const issuer = options.issuer ?? (await localIssuer()).issuer;
  const secret = options.secret ?? `client-secret-${randomUUID()}`;
  const last4 = last4Of(secret);
  const sealed = seal(keyRing(), secretBinding(orgId, id, last4), secret);
  return db.ssoConnection.create({
    data: {
      id,
      orgId,
      protocol: "OIDC",
      name: options.name ?? `IdP ${unique()}`,
      enabled: options.enabled ?? true,
      oidcIssuer: issuer,
      oidcClientId: `client-${unique()}`,
      secretFormatVersion: sealed.formatVersion,
      secretKekId: sealed.kekId,
      secretWrappedDek: new Uint8Array(sealed.wrappedDek),
      secretCiphertext: new Uint8Array(sealed.ciphertext),
      secretLast4: last4,
      oidcDiscovery: discoveryDocument(issuer),
      oidcDiscoveredAt: new Date(),
    },
  });
}

/**
 * An OrgContext for calling SSO services directly, through the real pipeline
 * (session cookie → authenticateUser → authorizeOrg). The org's MFA
 * requirement for admins is turned off: these tests are about SSO.
 */
export async function ssoContext(orgId: string, user: { id: string }): Promise<OrgContext> {
  await db.orgSettings.update({ where: { orgId }, data: { requireMfaForAdmins: false } });
  const cookie = await sessionCookie(user.id);
  const at = cookie.indexOf("=");
  const entry = { name: cookie.slice(0, at), value: cookie.slice(at + 1) };
  const reader = { get: (name: string) => (name === entry.name ? { value: entry.value } : undefined), getAll: () => [entry] };
  const principal = await authenticateUser(reader);
  return authorizeOrg({ principal, actor: userActor(principal), request: { requestId: "sso-test", ip: "203.0.113.5", userAgent: "vitest" } }, orgId, "sso.manage");
}
