import { expect, test } from "@playwright/test";
import { enrolMfa, newEmail, signUp, withDb } from "./support";

/**
 * SCIM from the console to the identity provider and back: an owner creates a
 * SCIM token (shown once), an IdP (played by plain HTTP requests) provisions a
 * member and pushes a group, the owner maps the group to a role and sets the
 * key policy to FLAG; deprovisioning the member flags the key they created,
 * which the project's key list shows; a revoked token is refused.
 */
const base = () => process.env.E2E_BASE_URL!;

async function scim(token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${base()}/scim/v2${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/scim+json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, type: response.headers.get("content-type"), json: text ? JSON.parse(text) : null };
}

test("an owner connects an IdP through SCIM, maps a group to a role and sees a deprovisioned creator's key flagged", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signUp(page, "Sam Scim", newEmail("scim"));
  await page.getByLabel("Organisation name").fill(`Scim ${Date.now().toString(36)}`);
  await page.getByRole("button", { name: "Create organisation" }).click();
  await enrolMfa(page);
  await expect(page).toHaveURL(/\/projects$/);
  const slug = new URL(page.url()).pathname.split("/")[1]!;

  // A project with a key, to be handed to the member SCIM provisions below.
  await page.getByLabel("Project name").fill("Scim App");
  await page.getByRole("button", { name: "Create project" }).click();
  await page.getByRole("link", { name: "Scim App" }).click();
  await page.getByRole("button", { name: "Create API key" }).click();
  const createKey = page.getByRole("dialog", { name: "Create an API key" });
  await createKey.getByLabel("Name").fill("Leaver's key");
  await createKey.getByRole("button", { name: "Create key" }).click();
  await page.getByRole("dialog", { name: "API key created" }).getByRole("button", { name: "Done" }).click();
  const projectUrl = page.url();

  // Settings → SCIM provisioning.
  await page.goto(`/${slug}/settings`);
  await page.getByRole("link", { name: "Manage SCIM" }).click();
  await expect(page).toHaveURL(new RegExp(`/${slug}/settings/scim$`));
  await expect(page.getByRole("heading", { level: 1, name: "SCIM provisioning" })).toBeVisible();
  await expect(page.getByText("No verified domain")).toBeVisible();
  await expect(page.getByText(`${base()}/scim/v2`).first()).toBeVisible();
  await expect(page.getByRole("table", { name: "SCIM tokens" })).toContainText("No SCIM token yet");

  // Create a token: shown once, then only its prefix and last four.
  await page.getByRole("button", { name: "Create token" }).click();
  const create = page.getByRole("dialog", { name: "Create a SCIM token" });
  await create.getByLabel("Name").fill("Okta production");
  await create.getByRole("button", { name: "Create token" }).click();
  const reveal = page.getByRole("dialog", { name: "SCIM token created" });
  const token = await reveal.getByLabel("Bearer token").inputValue();
  expect(token).toMatch(/^ghscim_[0-9A-Za-z]{46}$/);
  await reveal.getByRole("button", { name: "Done" }).click();
  await expect(page.getByText(token)).toHaveCount(0);
  expect(await page.content()).not.toContain(token);
  const tokenRow = page.getByRole("table", { name: "SCIM tokens" }).getByRole("row", { name: /Okta production/ });
  await expect(tokenRow).toContainText(`${token.slice(0, 11)}…${token.slice(-4)}`);
  await expect(tokenRow).toContainText("Active");

  // The IdP provisions a member and pushes a group with them in it.
  const leaver = newEmail("leaver");
  const user = await scim(token, "POST", "/Users", { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: leaver, name: { givenName: "Lee", familyName: "Ver" }, active: true });
  expect(user.status).toBe(201);
  expect(user.type).toContain("application/scim+json");
  const group = await scim(token, "POST", "/Groups", { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: "Gatehouse Developers", members: [{ value: user.json.id }] });
  expect(group.status).toBe(201);

  // Map the group to a role: the member's role follows.
  await page.reload();
  const groupRow = page.getByRole("table", { name: "SCIM groups" }).getByRole("row", { name: /Gatehouse Developers/ });
  await expect(groupRow).toContainText("1");
  await groupRow.getByLabel("Role for Gatehouse Developers").selectOption({ label: "Developer" });
  await expect(page.getByText("Gatehouse Developers now maps to Developer; its members' roles follow.")).toBeVisible();
  const role = await withDb(async (db) => (await db.query(`SELECT role FROM memberships WHERE id = $1`, [user.json.id])).rows[0].role as string);
  expect(role).toBe("DEVELOPER");

  // Key policy FLAG, then the member who created the key is deprovisioned.
  await page.getByRole("radio", { name: /Flag/ }).check();
  await page.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByText("Provisioning policy saved.")).toBeVisible();
  await withDb((db) =>
    db.query(`UPDATE api_keys SET created_by_id = (SELECT user_id FROM memberships WHERE id = $1) WHERE name = $2`, [user.json.id, "Leaver's key"]),
  );
  const off = await scim(token, "PATCH", `/Users/${user.json.id}`, { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: "Replace", path: "active", value: "False" }] });
  expect(off.status).toBe(200);
  expect(off.json.active).toBe(false);
  await page.goto(projectUrl);
  const keyRow = page.getByRole("table", { name: "API keys" }).getByRole("row", { name: /Leaver's key/ });
  await expect(keyRow).toContainText("Creator deprovisioned");

  // Revoke the token: the IdP is refused from its next request.
  await page.goto(`/${slug}/settings/scim`);
  await page.getByRole("button", { name: "Revoke Okta production" }).click();
  await page.getByRole("dialog", { name: "Revoke Okta production?" }).getByRole("button", { name: "Revoke token" }).click();
  await expect(page.getByText("Okta production revoked.")).toBeVisible();
  await expect(page.getByRole("table", { name: "SCIM tokens" }).getByRole("row", { name: /Okta production/ })).toContainText("Revoked");
  const refused = await scim(token, "GET", "/Users");
  expect(refused.status).toBe(401);
  expect(refused.json).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "401" });
  await context.close();
});
