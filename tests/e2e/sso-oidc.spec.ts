import { randomBytes, randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Browser, type BrowserContext } from "@playwright/test";
import { decode } from "next-auth/jwt";
import { seal } from "../../lib/vault/envelope";
import { startOidcIdp, type IdpUser, type OidcIdp } from "../support/oidc-idp";
import { hash } from "@node-rs/argon2";
import { enrolMfa, newEmail, PASSWORD, signIn, verifyChain, withDb } from "./support";

/**
 * OIDC single sign-on in Chromium against two real identity providers
 * (`oidc-provider` on loopback), one per org: each org's user signs in
 * through the email-first page; a response meant for one org's connection is
 * refused at the other's callback; an email outside the org's verified domain
 * is refused. For these, the orgs, their verified domains and their
 * connections are set up in the database, the client secret sealed under the
 * server's master key exactly as the app seals it. The last test sets up a
 * third org the way an owner does, in the console: a domain verified through
 * DNS (a local DNS server, scripts/e2e.ts) and an OIDC connection discovered
 * from its IdP.
 */
const BASE = process.env.E2E_BASE_URL ?? "http://127.0.0.1:3000";
const suffix = () => randomBytes(4).toString("hex");

interface SsoOrg {
  id: string;
  slug: string;
  domain: string;
  connectionId: string;
  idp: OidcIdp;
  user: IdpUser;
}

/** The server's master key ring, as scripts/e2e.ts configures it (MASTER_KEY, id v1). */
function serverRing() {
  const id = process.env.MASTER_KEY_ID ?? "v1";
  return { activeId: id, keys: new Map([[id, Buffer.from(process.env.MASTER_KEY!, "base64")]]) };
}

async function setUpOrg(label: string): Promise<SsoOrg> {
  const tag = suffix();
  const domain = `${label}-${tag}.example`;
  const user: IdpUser = { sub: `${label}-user-${tag}`, email: `${label}.user@${domain}`, name: `${label} user` };
  const idp = await startOidcIdp({ user });
  const discovery = await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json();
  const org = { id: randomUUID(), slug: `sso-${label}-${tag}`, connectionId: randomUUID() };
  const last4 = idp.clientSecret.slice(-4);
  const sealed = seal(serverRing(), { orgId: org.id, credentialId: org.connectionId, projectId: null, provider: "oidc-client-secret", fingerprint: "", last4 }, idp.clientSecret);
  await withDb(async (db) => {
    await db.query(`INSERT INTO orgs (id, slug, name) VALUES ($1, $2, $3)`, [org.id, org.slug, `SSO ${label} ${tag}`]);
    await db.query(`INSERT INTO org_settings (org_id, updated_at) VALUES ($1, now())`, [org.id]);
    await db.query(`INSERT INTO org_domains (id, org_id, domain, token, verified_at, verified_domain) VALUES ($1, $2, $3, $4, now(), $3)`, [randomUUID(), org.id, domain, suffix()]);
    await db.query(
      `INSERT INTO sso_connections (id, org_id, protocol, name, enabled, oidc_issuer, oidc_client_id, secret_format_version, secret_kek_id,
         secret_wrapped_dek, secret_ciphertext, secret_last4, oidc_discovery, oidc_discovered_at, updated_at)
       VALUES ($1, $2, 'OIDC', $3, true, $4, $5, $6, $7, $8, $9, $10, $11, now(), now())`,
      [org.connectionId, org.id, `IdP ${label}`, discovery.issuer, idp.clientId, sealed.formatVersion, sealed.kekId, sealed.wrappedDek, sealed.ciphertext, last4, discovery],
    );
  });
  idp.allowRedirect(`${BASE}/api/auth/callback/oidc-${org.connectionId}`);
  return { ...org, domain, idp, user };
}

async function sessionClaims(context: BrowserContext) {
  const cookie = (await context.cookies()).find((c) => c.name === "next-auth.session-token" || c.name === "__Secure-next-auth.session-token");
  if (!cookie) return null;
  return decode({ token: cookie.value, secret: process.env.NEXTAUTH_SECRET! });
}

async function ssoEvents(orgId: string, action: string) {
  return withDb(async (db) => (await db.query(`SELECT metadata, actor_label FROM audit_logs WHERE org_id = $1 AND action = $2 ORDER BY seq`, [orgId, action])).rows);
}

let a: SsoOrg;
let b: SsoOrg;

test.beforeAll(async () => {
  a = await setUpOrg("alpha");
  b = await setUpOrg("beta");
});

test.afterAll(async () => {
  await a?.idp.close();
  await b?.idp.close();
});

async function signInThroughEmailFirst(browser: Browser, org: SsoOrg) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(org.user.email.toUpperCase());
  await page.getByRole("button", { name: "Continue" }).click();
  // Off to the org's IdP (which signs its user in without a form) and back, signed in.
  await page.waitForURL((url) => url.origin === BASE && url.pathname.startsWith(`/${org.slug}`), { timeout: 30_000 });
  return { context, page };
}

test("each org's users sign in through their own IdP from the email-first page", async ({ browser }) => {
  for (const org of [a, b]) {
    const { context } = await signInThroughEmailFirst(browser, org);
    const claims = await sessionClaims(context);
    expect(claims).toMatchObject({ amr: "sso", sso: { orgId: org.id, connectionId: org.connectionId }, email: org.user.email });
    expect(claims).not.toHaveProperty("mfaAt");

    await withDb(async (db) => {
      const identity = (await db.query(`SELECT issuer, subject, email, user_id FROM sso_identities WHERE org_id = $1`, [org.id])).rows;
      expect(identity).toEqual([{ issuer: org.idp.issuer, subject: org.user.sub, email: org.user.email, user_id: claims!.sub }]);
      const user = (await db.query(`SELECT email, password_hash FROM users WHERE id = $1`, [claims!.sub])).rows[0];
      expect(user).toEqual({ email: org.user.email, password_hash: null });
      const member = (await db.query(`SELECT role, status FROM memberships WHERE org_id = $1 AND user_id = $2`, [org.id, claims!.sub])).rows[0];
      expect(member).toEqual({ role: "VIEWER", status: "ACTIVE" });
      const events = await verifyChain(db, org.id);
      expect(events.map((e) => e.action)).toEqual(["member.joined", "auth.sso.succeeded"]);
      expect(events[1]!.metadata).toMatchObject({ protocol: "OIDC", connectionId: org.connectionId, subject: org.user.sub, linked: "new_user" });
    });
    await context.close();
  }

  // A second sign-in follows the link by (org, issuer, subject): same user, no second membership.
  const again = await signInThroughEmailFirst(browser, a);
  const claims = await sessionClaims(again.context);
  const succeeded = await ssoEvents(a.id, "auth.sso.succeeded");
  expect(succeeded).toHaveLength(2);
  expect(succeeded[1].metadata).toMatchObject({ linked: "existing" });
  expect(claims).toMatchObject({ amr: "sso", sso: { orgId: a.id } });
  await again.context.close();
});

/**
 * Walk an IdP's redirects from the authorization URL (its sign-in and consent
 * happen without a form) outside the browser, with a cookie jar of its own,
 * up to the redirect back to Gatehouse: the IdP's response, not delivered.
 */
async function idpResponse(authorizationUrl: string, callbackPrefix: string): Promise<string> {
  const jar = new Map<string, string>();
  let url = authorizationUrl;
  for (let hop = 0; hop < 12; hop++) {
    const res = await fetch(url, { redirect: "manual", headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") } });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair!.indexOf("=");
      jar.set(pair!.slice(0, at).trim(), pair!.slice(at + 1));
    }
    const location = res.headers.get("location");
    if (!location) throw new Error(`the IdP answered ${res.status} without a redirect at ${url}`);
    url = new URL(location, url).toString();
    if (url.startsWith(callbackPrefix)) return url;
  }
  throw new Error("the IdP never redirected back");
}

test("a response meant for one org's connection is refused at the other's callback, and audited", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  // Start org A's sign-in in the browser (next-auth sets its state, PKCE and nonce cookies for A's
  // connection), but hold the navigation to A's IdP and let the IdP answer outside the browser.
  let authorization: string | null = null;
  await page.route(`${a.idp.issuer}/**`, async (route) => {
    authorization = route.request().url();
    await route.fulfill({ status: 200, contentType: "text/plain", body: "held" });
  });
  await page.goto(`/sso/${a.slug}`);
  await expect.poll(() => authorization, { timeout: 30_000 }).not.toBeNull();
  expect(new URL(authorization!).searchParams.get("redirect_uri")).toBe(`${BASE}/api/auth/callback/oidc-${a.connectionId}`);
  const response = new URL(await idpResponse(authorization!, `${BASE}/api/auth/callback/oidc-${a.connectionId}`));
  expect(response.searchParams.get("code")).toBeTruthy();

  // The response meant for A's connection (its code and state), delivered to org B's callback.
  await page.goto(`/api/auth/callback/oidc-${b.connectionId}${response.search}`);
  await expect(page).toHaveURL(new RegExp(`/sso/${b.slug}\\?error=response_for_another_connection`));
  await expect(page.getByText("meant for another identity provider connection")).toBeVisible();
  expect(await sessionClaims(context)).toBeNull();

  const failures = await ssoEvents(b.id, "auth.sso.failed");
  expect(failures.map((f) => f.metadata.reason)).toContain("response_for_another_connection");
  expect(failures.at(-1).metadata).toMatchObject({ protocol: "OIDC", connectionId: b.connectionId });
  await withDb(async (db) => {
    await verifyChain(db, b.id);
  });
  // Nothing reached org A: no sign-in there from this attempt.
  expect(await ssoEvents(a.id, "auth.sso.failed")).toHaveLength(0);
  await context.close();
});

test("an email outside the org's verified domains is refused, and audited", async ({ browser }) => {
  const tag = suffix();
  const outsider: IdpUser = { sub: `outsider-${tag}`, email: `outsider@elsewhere-${tag}.example` };
  a.idp.setUser(outsider);
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`/sso/${a.slug}`);
    await page.waitForURL(new RegExp(`/sso/${a.slug}\\?error=email_domain_not_verified`), { timeout: 30_000 });
    await expect(page.getByText("whose domain this organisation has not verified")).toBeVisible();
    expect(await sessionClaims(context)).toBeNull();
    await context.close();
  } finally {
    a.idp.setUser(a.user);
  }
  const failures = await ssoEvents(a.id, "auth.sso.failed");
  expect(failures.at(-1)).toMatchObject({ actor_label: outsider.email, metadata: { reason: "email_domain_not_verified", subject: outsider.sub } });
  await withDb(async (db) => {
    expect((await db.query(`SELECT count(*)::int AS n FROM users WHERE email = $1`, [outsider.email])).rows[0].n).toBe(0);
    expect((await db.query(`SELECT count(*)::int AS n FROM sso_identities WHERE subject = $1`, [outsider.sub])).rows[0].n).toBe(0);
  });
});

test("an owner sets up SSO in the console: a domain verified through DNS, an OIDC connection, then a user signs in", async ({ page, browser }) => {
  const tag = suffix();
  const domain = `gamma-${tag}.example`;
  const user: IdpUser = { sub: `gamma-user-${tag}`, email: `gamma.user@${domain}`, name: "Gamma user" };
  const idp = await startOidcIdp({ user });
  try {
    // The owner and org straight in the database (sign-ups are limited to 10 an hour per address,
    // and the suite signs up many); the owner signs in with a password and enrols MFA as asked.
    const slug = `gamma-${tag}`;
    const ownerEmail = newEmail("sso-owner");
    await withDb(async (db) => {
      const [userId, orgId] = [randomUUID(), randomUUID()];
      const passwordHash = await hash(PASSWORD, { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
      await db.query(`INSERT INTO users (id, email, name, password_hash, updated_at) VALUES ($1, $2, 'Olga Owner', $3, now())`, [userId, ownerEmail, passwordHash]);
      await db.query(`INSERT INTO orgs (id, slug, name) VALUES ($1, $2, $3)`, [orgId, slug, `Gamma ${tag}`]);
      await db.query(`INSERT INTO org_settings (org_id, updated_at) VALUES ($1, now())`, [orgId]);
      await db.query(`INSERT INTO memberships (id, org_id, user_id, role, updated_at) VALUES ($1, $2, $3, 'OWNER', now())`, [randomUUID(), orgId, userId]);
    });
    await signIn(page, ownerEmail);
    await enrolMfa(page);

    await page.goto(`/${slug}/settings`);
    await page.getByRole("link", { name: "Manage single sign-on" }).click();
    await expect(page.getByRole("heading", { name: "Single sign-on", level: 1 })).toBeVisible();

    // Claim the domain, publish the record it shows, verify.
    await page.getByLabel("Email domain").fill(domain.toUpperCase());
    await page.getByRole("button", { name: "Add domain" }).click();
    const domains = page.getByRole("list", { name: "Domains" });
    await expect(domains).toContainText(domain);
    await expect(domains).toContainText("Pending");
    const value = (await domains.locator("code", { hasText: "gatehouse-verification=" }).innerText()).trim();
    await expect(domains.locator("code", { hasText: `_gatehouse.${domain}` })).toBeVisible();
    // Verify before the record exists: refused with the reason.
    await page.getByRole("button", { name: `Verify ${domain}` }).click();
    await expect(page.getByText(`No TXT record found at _gatehouse.${domain}.`).first()).toBeVisible();
    writeFileSync(path.join(process.env.E2E_DNS_DIR!, `_gatehouse.${domain}`), `v=spf1 -all\n${value}\n`);
    await page.getByRole("button", { name: `Verify ${domain}` }).click();
    await expect(domains).toContainText("Verified");

    // An OIDC connection: the issuer is discovered; the secret shows as its last four only.
    await page.getByRole("button", { name: "Add OIDC connection" }).click();
    const form = page.getByRole("form", { name: "New OIDC connection" });
    await form.getByLabel("Name").fill("Gamma IdP");
    await form.getByLabel("Issuer URL").fill(idp.issuer);
    await form.getByLabel("Client ID").fill(idp.clientId);
    await form.getByLabel("Client secret").fill(idp.clientSecret);
    await form.getByRole("button", { name: "Save connection" }).click();
    const connection = page.getByRole("listitem", { name: "Gamma IdP" });
    await expect(connection).toContainText(`••••${idp.clientSecret.slice(-4)}`);
    await expect(page.locator("body")).not.toContainText(idp.clientSecret);
    const redirectUri = (await connection.locator("code", { hasText: "/api/auth/callback/oidc-" }).innerText()).trim();
    expect(redirectUri).toMatch(new RegExp(`^${BASE}/api/auth/callback/oidc-[0-9a-f-]{36}$`));
    idp.allowRedirect(redirectUri);

    // The org's user signs in through it from the email-first page.
    const context = await browser.newContext();
    const userPage = await context.newPage();
    await userPage.goto("/sign-in");
    await userPage.getByLabel("Email").fill(user.email);
    await userPage.getByRole("button", { name: "Continue" }).click();
    await userPage.waitForURL((url) => url.origin === BASE && url.pathname.startsWith(`/${slug}`), { timeout: 30_000 });
    const claims = await sessionClaims(context);
    expect(claims).toMatchObject({ amr: "sso", email: user.email });
    await context.close();

    await withDb(async (db) => {
      const org = (await db.query(`SELECT id FROM orgs WHERE slug = $1`, [slug])).rows[0];
      const events = await verifyChain(db, org.id);
      const actions = events.map((e) => e.action);
      for (const action of ["domain.added", "domain.verified", "sso.connection.created", "member.joined", "auth.sso.succeeded"]) expect(actions).toContain(action);
      expect(JSON.stringify(events)).not.toContain(idp.clientSecret);
      const stored = (await db.query(`SELECT secret_ciphertext, secret_last4, oidc_discovery->>'issuer' AS issuer FROM sso_connections WHERE org_id = $1`, [org.id])).rows[0];
      expect(stored.issuer).toBe(idp.issuer);
      expect(stored.secret_last4).toBe(idp.clientSecret.slice(-4));
      expect(Buffer.from(stored.secret_ciphertext).toString("latin1")).not.toContain(idp.clientSecret);
    });
  } finally {
    await idp.close();
  }
});
