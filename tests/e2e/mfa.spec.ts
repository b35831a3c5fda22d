import { expect, test } from "@playwright/test";
import { totpAt } from "../../lib/mfa/totp";
import { enrolMfa, freshTotp, newEmail, PASSWORD, signIn, signUp, withDb } from "./support";

/**
 * Two-factor authentication in a real browser: a new org's owner is sent to
 * enrol (owners need MFA by default), scans nothing but reads the setup key
 * beside the QR code, confirms with a code, keeps ten recovery codes; every
 * password sign-in then asks for a code before the console opens; a recovery
 * code works once.
 */
test("an owner enrols MFA, each sign-in then asks for a code, and a recovery code works once", async ({ page }) => {
  const email = newEmail("mfa");
  await signUp(page, "Mia Factor", email);
  await expect(page).toHaveURL(/\/orgs\/new$/);
  await page.getByLabel("Organisation name").fill(`Factor ${Date.now().toString(36)}`);
  await page.getByRole("button", { name: "Create organisation" }).click();

  // The console sends the new owner to enrol, with a QR code rendered on the server and the key as text.
  await expect(page).toHaveURL(/\/mfa\?next=%2F[a-z0-9-]+/);
  await expect(page.getByText(/requires two-factor authentication of owners and admins/)).toBeVisible();
  const qr = page.getByRole("img", { name: "QR code to add Gatehouse to your authenticator app" });
  await expect(qr).toBeVisible();
  expect(await qr.getAttribute("src")).toMatch(/^data:image\/svg\+xml;base64,/);
  const secret = (await page.getByTestId("mfa-secret").innerText()).replace(/\s/g, "");
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);

  // A wrong code is refused on the field; the right one turns MFA on.
  const wrong = String((Number(await totpAt(secret)) + 1) % 1_000_000).padStart(6, "0");
  await page.getByLabel("Code from the app").fill(wrong);
  await page.getByRole("button", { name: "Turn on two-factor authentication" }).click();
  await expect(page.getByText("That code is not valid.", { exact: false })).toBeVisible();
  const enrolled = await enrolMfa(page);
  expect(enrolled.secret).toBe(secret);
  expect(new Set(enrolled.recoveryCodes).size).toBe(10);
  await expect(page).toHaveURL(/\/[a-z0-9-]+\/projects$/);
  const slug = new URL(page.url()).pathname.split("/")[1]!;

  // The account page shows it; the console header links there.
  await page.getByRole("link", { name: email }).click();
  await expect(page).toHaveURL(/\/account\/security$/);
  await expect(page.getByText("10 of 10 recovery codes left.", { exact: false })).toBeVisible();

  // Sign out; signing in again asks for a code before the console opens.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await signIn(page, email);
  await expect(page).toHaveURL(/\/mfa\?/);
  await expect(page.getByRole("heading", { name: "Two-factor authentication" })).toBeVisible();
  await page.goto(`/${slug}/projects`);
  await expect(page).toHaveURL(new RegExp(`/mfa\\?next=${encodeURIComponent(`/${slug}/projects`)}`));

  // A recovery code answers the check, once.
  const [first, second] = enrolled.recoveryCodes;
  await page.getByLabel("Authentication code").fill(first!);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByText("You have 9 recovery codes left")).toBeVisible();
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(new RegExp(`/${slug}/projects$`));
  await expect(page.getByRole("heading", { level: 1, name: "Projects" })).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await signIn(page, email);
  await expect(page.getByRole("heading", { name: "Two-factor authentication" })).toBeVisible();
  await page.getByLabel("Authentication code").fill(first!);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByText("That recovery code is not valid or was already used.")).toBeVisible();
  // The enrolment's own code is spent too; the next step's code from the app works.
  await page.getByLabel("Authentication code").fill(await totpAt(secret, enrolled.step * 30));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByText("That code is not valid.", { exact: false })).toBeVisible();
  const { code } = await freshTotp(secret, enrolled.step);
  await page.getByLabel("Authentication code").fill(code);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(new RegExp(`/${slug}/projects$`));

  await withDb(async (db) => {
    const user = (await db.query(`SELECT id FROM users WHERE email = $1`, [email])).rows[0];
    const events = await db.query(`SELECT action, metadata FROM audit_logs WHERE chain = 'platform' AND target_id = $1 AND action LIKE 'auth.mfa.%' ORDER BY seq`, [user.id]);
    expect(events.rows.map((e) => e.action)).toEqual([
      "auth.mfa.failed",
      "auth.mfa.enrolled",
      "auth.mfa.recovery_code_used",
      "auth.mfa.failed",
      "auth.mfa.failed",
      "auth.mfa.verified",
    ]);
    const left = await db.query(`SELECT count(*)::int AS n FROM mfa_recovery_codes WHERE user_id = $1 AND used_at IS NULL`, [user.id]);
    expect(left.rows[0].n).toBe(9);
    // Neither the TOTP secret nor a recovery code is stored or audited in clear.
    for (const table of ["user_mfa", "mfa_recovery_codes", "audit_logs", "users"]) {
      const dump = JSON.stringify((await db.query(`SELECT * FROM ${table}`)).rows);
      expect(dump, table).not.toContain(secret);
      expect(dump, table).not.toContain(second!);
      expect(dump, table).not.toContain(PASSWORD);
    }
  });
});

/**
 * An owner who never enrolled (the demo seed's owner, an owner added by an
 * operator) signs in with a password: the MFA door enrols them at once, then
 * the console opens on their org.
 */
test("an owner without MFA is asked to enrol right after signing in", async ({ page }) => {
  const email = newEmail("seeded-owner");
  await signUp(page, "Sid Seeded", email);
  await expect(page).toHaveURL(/\/orgs\/new$/);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  // An org and its OWNER straight in the database, as the demo seed makes them.
  const slug = `seeded-${Date.now().toString(36)}`;
  await withDb(async (db) => {
    const org = (await db.query(`INSERT INTO orgs (id, slug, name) VALUES (gen_random_uuid(), $1, 'Seeded Org') RETURNING id`, [slug])).rows[0];
    await db.query(`INSERT INTO org_settings (org_id, updated_at) VALUES ($1, now())`, [org.id]);
    await db.query(`INSERT INTO memberships (id, org_id, user_id, role, updated_at) SELECT gen_random_uuid(), $1, id, 'OWNER', now() FROM users WHERE email = $2`, [org.id, email]);
  });

  await signIn(page, email);
  await expect(page).toHaveURL(/\/mfa\?after=sign-in/);
  await expect(page.getByText("Seeded Org requires two-factor authentication of owners and admins.", { exact: false })).toBeVisible();
  await enrolMfa(page);
  await expect(page).toHaveURL(new RegExp(`/${slug}/projects$`));
  await expect(page.getByRole("heading", { level: 1, name: "Projects" })).toBeVisible();
});

/**
 * Enforced SSO in the browser: a member who signed in with a password is shown
 * the way in through the IdP; the owner, with a password and MFA, breaks
 * glass, and that is audited once for the session.
 */
test("with SSO enforced, a password member is sent to SSO and the owner's break-glass is audited once", async ({ browser }) => {
  const ownerEmail = newEmail("glass-owner");
  const memberEmail = newEmail("glass-member");
  const ownerContext = await browser.newContext();
  const owner = await ownerContext.newPage();
  await signUp(owner, "Gus Glass", ownerEmail);
  await owner.getByLabel("Organisation name").fill(`Glass ${Date.now().toString(36)}`);
  await owner.getByRole("button", { name: "Create organisation" }).click();
  await enrolMfa(owner);
  await expect(owner).toHaveURL(/\/projects$/);
  const slug = new URL(owner.url()).pathname.split("/")[1]!;

  const memberContext = await browser.newContext();
  const member = await memberContext.newPage();
  await signUp(member, "Mo Member", memberEmail);
  await expect(member).toHaveURL(/\/orgs\/new$/);
  const orgId = await withDb(async (db) => {
    const org = (await db.query(`SELECT id FROM orgs WHERE slug = $1`, [slug])).rows[0];
    await db.query(`INSERT INTO memberships (id, org_id, user_id, role, updated_at) SELECT gen_random_uuid(), $1, id, 'DEVELOPER', now() FROM users WHERE email = $2`, [org.id, memberEmail]);
    await db.query(`UPDATE org_settings SET enforce_sso = true WHERE org_id = $1`, [org.id]);
    return org.id as string;
  });

  await member.goto(`/${slug}/projects`);
  await expect(member).toHaveURL(new RegExp(`/sso-required\\?org=${slug}$`));
  await expect(member.getByRole("heading", { name: "Single sign-on required" })).toBeVisible();
  await expect(member.getByRole("link", { name: "Continue with single sign-on" })).toHaveAttribute("href", `/sso/${slug}`);
  await expect(member.getByText("Break-glass", { exact: false })).toHaveCount(0);

  // The owner's session passed MFA: admitted, and the entry is recorded once however many pages follow.
  await owner.reload();
  await expect(owner.getByRole("heading", { level: 1, name: "Projects" })).toBeVisible();
  await owner.goto(`/${slug}/members`);
  await owner.goto(`/${slug}/settings`);
  const events = await withDb((db) => db.query(`SELECT actor_label, target_type FROM audit_logs WHERE chain = $1 AND action = 'auth.break_glass'`, [orgId]));
  expect(events.rows).toEqual([{ actor_label: ownerEmail, target_type: "session" }]);
  await ownerContext.close();
  await memberContext.close();
});
