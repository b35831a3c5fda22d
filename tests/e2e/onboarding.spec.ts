import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { enrolMfa, newEmail, PASSWORD, signUp, verifyChain, withDb } from "./support";

/**
 * The foundation's whole story in a real browser: sign up → create an org →
 * create a project → invite → accept in a second browser → change the new
 * member's role → their view changes at once → the audit trail shows it all
 * and its hash chain verifies.
 */
test("an owner builds an org and a member's view follows their role", async ({ browser }) => {
  const ownerEmail = newEmail("owner");
  const memberEmail = newEmail("member");
  const orgName = `Acme ${Date.now().toString(36)}`;

  const ownerContext = await browser.newContext();
  await ownerContext.grantPermissions(["clipboard-read", "clipboard-write"]);
  const owner = await ownerContext.newPage();
  await signUp(owner, "Olivia Owner", ownerEmail);
  await expect(owner).toHaveURL(/\/orgs\/new$/);

  await owner.getByLabel("Organisation name").fill(orgName);
  await owner.getByRole("button", { name: "Create organisation" }).click();
  await enrolMfa(owner);
  await expect(owner).toHaveURL(/\/[a-z0-9-]+\/projects$/);
  const slug = new URL(owner.url()).pathname.split("/")[1]!;

  await owner.getByLabel("Project name").fill("Payments API");
  await owner.getByRole("button", { name: "Create project" }).click();
  await expect(owner.getByRole("table").getByText("Payments API", { exact: true })).toBeVisible();

  await owner.goto(`/${slug}/members`);
  await owner.getByLabel("Email").fill(memberEmail);
  await owner.getByLabel("Role", { exact: true }).selectOption("DEVELOPER");
  await owner.getByRole("button", { name: "Invite", exact: true }).click();
  const link = owner.getByLabel("Invitation link");
  await expect(link).toBeVisible();
  const inviteUrl = await link.inputValue();
  expect(inviteUrl).toContain("/invite/ghi_");
  await owner.getByRole("button", { name: "Copy link" }).click();

  // The invitee, in a browser of their own.
  const memberContext = await browser.newContext();
  const member = await memberContext.newPage();
  await member.goto(inviteUrl);
  await expect(member.getByRole("heading", { name: `Join ${orgName}` })).toBeVisible();
  await member.getByRole("link", { name: /create an account|sign up/i }).click();
  await expect(member).toHaveURL(/\/sign-up\?callbackUrl=/);
  await signUp(member, "Dev Member", memberEmail, null);
  await expect(member).toHaveURL(/\/invite\//);
  await member.getByRole("button", { name: "Accept invitation" }).click();
  await expect(member).toHaveURL(new RegExp(`/${slug}/projects$`));
  await expect(member.getByRole("table").getByText("Payments API", { exact: true })).toBeVisible();
  await expect(member.getByRole("button", { name: "Create project" })).toBeVisible();

  // The owner demotes the member to VIEWER…
  await owner.reload();
  await owner.getByLabel(`Role for ${memberEmail}`).selectOption("VIEWER");
  await expect(owner.getByLabel(`Role for ${memberEmail}`)).toHaveValue("VIEWER");
  await expect
    .poll(() => withDb(async (db) => (await db.query(`SELECT role FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = $1`, [memberEmail])).rows[0]?.role))
    .toBe("VIEWER");

  // …and the member's very next request sees it.
  await member.reload();
  await expect(member.getByRole("table").getByText("Payments API", { exact: true })).toBeVisible();
  await expect(member.getByRole("button", { name: "Create project" })).toHaveCount(0);

  await withDb(async (db) => {
    const org = (await db.query(`SELECT id FROM orgs WHERE slug = $1`, [slug])).rows[0];
    const events = await verifyChain(db, org.id);
    expect(events.map((e) => e.action)).toEqual(["org.created", "project.created", "member.invited", "member.joined", "member.role_changed"]);
    expect(events.at(-1)?.metadata).toMatchObject({ email: memberEmail, before: { role: "DEVELOPER" }, after: { role: "VIEWER" } });
    const signIns = await db.query(`SELECT count(*)::int AS n FROM audit_logs WHERE action = 'auth.sign_in.succeeded' AND actor_label = ANY($1)`, [[ownerEmail, memberEmail]]);
    expect(signIns.rows[0].n).toBeGreaterThanOrEqual(2);

    // Neither the password nor the invitation token is stored or logged in plaintext.
    const token = decodeURIComponent(inviteUrl.slice(inviteUrl.lastIndexOf("/") + 1));
    for (const table of ["users", "invitations", "memberships", "audit_logs", "orgs", "projects"]) {
      const dump = JSON.stringify((await db.query(`SELECT * FROM ${table}`)).rows);
      expect(dump, table).not.toContain(PASSWORD);
      expect(dump, table).not.toContain(token);
    }
    const serverLog = readFileSync(process.env.E2E_SERVER_LOG!, "utf8");
    expect(serverLog).not.toContain(PASSWORD);
    expect(serverLog).not.toContain(token);
  });

  await ownerContext.close();
  await memberContext.close();
});
