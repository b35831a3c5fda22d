import { expect, test, type Page, type Response } from "@playwright/test";
import { createHash } from "node:crypto";
import { appendFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import OpenAI from "openai";
import { enrolMfa, newEmail, signUp, verifyChain, withDb } from "./support";

/**
 * The provider-key vault from the console: an owner vaults the one key the
 * local upstream accepts, and the gateway's key mode decides where keys come
 * from. VAULT_ONLY calls succeed without a caller key (so the vaulted key was
 * used) and refuse one; a wrong replacement breaks them and the right one
 * mends them; BYOK_ONLY wants the caller's key; after revocation VAULT_ONLY has
 * nothing to use. Only fingerprints and last fours ever reach the page, and no
 * response the suite receives holds a key (scripts/e2e.ts then scans the
 * database, the server log and these recorded responses again).
 */
const providerKey = process.env.E2E_PROVIDER_KEY!;
const [wrongKey, callerKey] = process.env.E2E_SPARE_PROVIDER_KEYS!.split(",") as [string, string];
const plaintexts = [providerKey, wrongKey, callerKey];

/** Computed here, independently of the app: the first 16 hex digits of the labelled SHA-256. */
const fingerprint = (secret: string) => createHash("sha256").update("gatehouse.provider-key.fingerprint\0").update(secret).digest("hex").slice(0, 16);

/** Every response body this spec receives (gateway, management API, pages, server actions), checked below and kept for the run's scan. */
const recorded: { source: string; url: string; status: number; body: string }[] = [];
const pendingBodies: Promise<void>[] = [];

function record(source: string, url: string, status: number, body: string) {
  recorded.push({ source, url, status, body });
}

function recordPage(page: Page) {
  page.on("response", (response: Response) => {
    if (!["document", "fetch", "xhr"].includes(response.request().resourceType())) return;
    pendingBodies.push(
      response.text().then(
        (body) => record("page", response.url(), response.status(), body),
        () => {},
      ),
    );
  });
}

function sdk(apiKey: string, headers: Record<string, string> = {}) {
  return new OpenAI({
    baseURL: `${process.env.E2E_BASE_URL}/api/v1`,
    apiKey,
    maxRetries: 0,
    defaultHeaders: headers,
    fetch: async (url, init) => {
      const response = await fetch(url, init);
      record("gateway", String(url), response.status, await response.clone().text());
      return response;
    },
  });
}

async function ask(apiKey: string, headers: Record<string, string> = {}) {
  const reply = await sdk(apiKey, headers).chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "ping the vault" }] });
  return reply.choices[0]?.message.content;
}

async function noPlaintextIn(page: Page, where: string) {
  const html = await page.content();
  const response = await page.request.get(page.url());
  const served = await response.text();
  record("page", response.url(), response.status(), served);
  for (const secret of plaintexts) {
    expect(html.includes(secret), `${where}: the rendered page holds a provider key`).toBe(false);
    expect(served.includes(secret), `${where}: the served HTML holds a provider key`).toBe(false);
  }
}

async function setMode(page: Page, name: "Either" | "Bring your own key only" | "Vault only") {
  await page.getByRole("radio", { name }).check();
  await page.getByRole("button", { name: "Save key mode" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Key mode saved: ${name}.` })).toBeVisible();
}

test.afterAll(async () => {
  await Promise.all(pendingBodies);
  const dir = process.env.E2E_RESPONSES_DIR ?? "test-results/responses";
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "provider-keys.jsonl");
  appendFileSync(file, recorded.map((entry) => JSON.stringify(entry)).join("\n") + "\n");
});

test("an owner vaults a provider key, and the key mode decides where the gateway takes keys from", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  recordPage(page);
  const ownerEmail = newEmail("vault");
  await signUp(page, "Val Vault", ownerEmail);
  const orgName = `Vault ${Date.now().toString(36)}`;
  await page.getByLabel("Organisation name").fill(orgName);
  await page.getByRole("button", { name: "Create organisation" }).click();
  await enrolMfa(page);
  await expect(page).toHaveURL(/\/projects$/);
  const slug = new URL(page.url()).pathname.split("/")[1]!;

  // A project and an API key for it, as a gateway caller would have.
  await page.getByLabel("Project name").fill("Vault App");
  await page.getByRole("button", { name: "Create project" }).click();
  await page.getByRole("link", { name: "Vault App" }).click();
  await page.getByRole("button", { name: "Create API key" }).click();
  const createKey = page.getByRole("dialog", { name: "Create an API key" });
  await createKey.getByLabel("Name").fill("Vault caller");
  await createKey.getByRole("button", { name: "Create key" }).click();
  const created = page.getByRole("dialog", { name: "API key created" });
  const apiKey = await created.getByLabel("Secret key").inputValue();
  await created.getByRole("button", { name: "Done" }).click();

  // Settings → Provider keys.
  await page.goto(`/${slug}/settings`);
  await page.getByRole("link", { name: "Manage provider keys" }).click();
  await expect(page).toHaveURL(new RegExp(`/${slug}/settings/provider-keys$`));
  await expect(page.getByRole("heading", { level: 1, name: "Provider keys" })).toBeVisible();
  const table = page.getByRole("table", { name: "Provider keys" });
  await expect(table).toContainText("No provider keys in the vault");

  // Add the key: checked as it is typed, with the server's own rules.
  await page.getByRole("button", { name: "Add provider key" }).click();
  const add = page.getByRole("dialog", { name: "Add a provider key" });
  await add.getByLabel("Provider").selectOption({ label: "OpenAI" });
  await add.getByLabel("Label").fill("Primary OpenAI");
  await expect(add.getByLabel("Scope")).toHaveValue("");
  await expect(add.getByLabel("Scope").getByRole("option")).toHaveText(["Org-wide", "Project: Vault App"]);
  const secretInput = add.getByLabel("Secret key");
  await expect(secretInput).toHaveAttribute("type", "password");
  await secretInput.fill("sk-1");
  await expect(add.getByText("Too short to be a provider key")).toBeVisible();
  await expect(secretInput).toHaveAttribute("aria-invalid", "true");
  await secretInput.fill("sk-with a space");
  await expect(add.getByText("Printable characters only, without spaces")).toBeVisible();
  await secretInput.fill(providerKey);
  await expect(secretInput).not.toHaveAttribute("aria-invalid", "true");
  // The input is not controlled by React: the key never becomes a value attribute in the markup.
  expect((await add.innerHTML()).includes(providerKey), "the dialog's markup holds the typed key").toBe(false);
  await add.getByRole("button", { name: "Add key" }).click();
  await expect(page.getByText("OpenAI key “Primary OpenAI” added.")).toBeVisible();
  await expect(add).toBeHidden();

  const row = table.getByRole("row", { name: /Primary OpenAI/ });
  await expect(row).toContainText("OpenAI");
  await expect(row).toContainText("Org-wide");
  await expect(row).toContainText(fingerprint(providerKey));
  await expect(row).toContainText(`…${providerKey.slice(-4)}`);
  await expect(row).toContainText(ownerEmail);
  await expect(row).toContainText("Live");
  await expect(page.getByRole("region", { name: "Master key" })).toContainText("v1");
  await noPlaintextIn(page, "after adding the key");

  // The management API answers the same view: fingerprint and last four, never the key.
  const orgId = await withDb(async (db) => (await db.query(`SELECT id FROM orgs WHERE slug = $1`, [slug])).rows[0].id as string);
  const listed = await page.request.get(`/api/v1/orgs/${orgId}/provider-keys?status=all`);
  const listedBody = await listed.text();
  record("management", listed.url(), listed.status(), listedBody);
  expect(listed.status()).toBe(200);
  expect(JSON.parse(listedBody).data).toEqual([
    expect.objectContaining({ provider: "openai", label: "Primary OpenAI", projectId: null, fingerprint: fingerprint(providerKey), last4: providerKey.slice(-4), status: "live" }),
  ]);

  // VAULT_ONLY: the upstream accepts only the vaulted key, so an answer proves the gateway used it; a caller's key is refused.
  await setMode(page, "Vault only");
  expect(await ask(apiKey)).toBe("Echo: ping the vault");
  await expect(ask(apiKey, { "X-Provider-Key": callerKey })).rejects.toMatchObject({ status: 403, code: "provider_key_not_allowed" });

  // Replace with a key the provider refuses, then with the right one again under a new label.
  await row.getByRole("button", { name: "Replace Primary OpenAI" }).click();
  const replace = page.getByRole("dialog", { name: "Replace Primary OpenAI" });
  await expect(replace).toContainText(fingerprint(providerKey));
  await replace.getByLabel("New secret key").fill(wrongKey);
  await replace.getByRole("button", { name: "Replace key" }).click();
  await expect(page.getByText(`Primary OpenAI replaced: now …${wrongKey.slice(-4)}.`)).toBeVisible();
  await expect(row).toContainText(fingerprint(wrongKey));
  await expect(ask(apiKey)).rejects.toMatchObject({ status: 401, code: "invalid_api_key" });

  await row.getByRole("button", { name: "Replace Primary OpenAI" }).click();
  await replace.getByLabel("New secret key").fill(providerKey);
  await replace.getByLabel("Label").fill("Main OpenAI");
  await replace.getByRole("button", { name: "Replace key" }).click();
  await expect(page.getByText(`Main OpenAI replaced: now …${providerKey.slice(-4)}.`)).toBeVisible();
  const mainRow = table.getByRole("row", { name: /Main OpenAI/ });
  await expect(mainRow).toContainText(fingerprint(providerKey));
  expect(await ask(apiKey)).toBe("Echo: ping the vault");

  // Rename only: the key stays.
  await mainRow.getByRole("button", { name: "Rename Main OpenAI" }).click();
  const rename = page.getByRole("dialog", { name: "Rename Main OpenAI" });
  await rename.getByLabel("Label").fill("");
  await expect(rename.getByText("Required")).toBeVisible();
  await rename.getByLabel("Label").fill("Team OpenAI");
  await rename.getByRole("button", { name: "Save label" }).click();
  await expect(page.getByText("Renamed to Team OpenAI.")).toBeVisible();
  const teamRow = table.getByRole("row", { name: /Team OpenAI/ });
  await expect(teamRow).toContainText(fingerprint(providerKey));

  // BYOK_ONLY: a call without the caller's key is refused; with it, it goes through.
  await setMode(page, "Bring your own key only");
  await expect(ask(apiKey)).rejects.toMatchObject({ status: 400, code: "provider_key_missing" });
  expect(await ask(apiKey, { "X-Provider-Key": providerKey })).toBe("Echo: ping the vault");

  // Revoke, behind a confirmation naming provider, label and fingerprint; then VAULT_ONLY has no key to use.
  await teamRow.getByRole("button", { name: "Revoke Team OpenAI" }).click();
  const revoke = page.getByRole("dialog", { name: "Revoke Team OpenAI?" });
  await expect(revoke).toContainText("OpenAI key Team OpenAI");
  await expect(revoke).toContainText(fingerprint(providerKey));
  await revoke.getByRole("button", { name: "Revoke provider key" }).click();
  await expect(page.getByText("Team OpenAI revoked.")).toBeVisible();
  await expect(teamRow).toHaveCount(0);
  await page.getByRole("switch", { name: "Show revoked" }).check();
  await expect(teamRow).toContainText("Revoked");
  await expect(teamRow.getByRole("button")).toHaveCount(0);

  await page.getByRole("radio", { name: "Vault only" }).check();
  await expect(page.getByText("No org-wide OpenAI or Anthropic key is in the vault")).toBeVisible();
  await setMode(page, "Vault only");
  await expect(ask(apiKey)).rejects.toMatchObject({ status: 400, code: "vault_key_missing" });

  // The owner re-wraps under the active master key (nothing is live, so nothing to do).
  const masterKey = page.getByRole("region", { name: "Master key" });
  await masterKey.getByRole("button", { name: "Re-wrap under the active master key" }).click();
  await page.getByRole("dialog", { name: "Re-wrap the org's keys?" }).getByRole("button", { name: "Re-wrap keys" }).click();
  await expect(masterKey.getByRole("status")).toHaveText("Re-wrapped 0 keys under v1; none pending.");
  await noPlaintextIn(page, "at the end");

  // The security settings card shows the mode and links here instead of changing it.
  await page.getByRole("link", { name: "Settings" }).first().click();
  const security = page.getByRole("region", { name: "Security and data" });
  await expect(security).toContainText("Vault only");
  await expect(security.getByRole("link", { name: "Provider keys" })).toHaveAttribute("href", `/${slug}/settings/provider-keys`);

  // Every change is in the audit chain, with fingerprints only.
  await withDb(async (db) => {
    const events = await verifyChain(db, orgId);
    expect(events.map((event) => event.action).filter((action) => action.startsWith("provider_key."))).toEqual([
      "provider_key.created",
      "provider_key.replaced",
      "provider_key.replaced",
      "provider_key.updated",
      "provider_key.revoked",
    ]);
    const created = events.find((event) => event.action === "provider_key.created")!;
    expect(created.metadata).toMatchObject({ fingerprint: fingerprint(providerKey), last4: providerKey.slice(-4) });
  });

  // Members who are not admins see that they cannot see keys; admins see the vault but cannot re-wrap.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  recordPage(otherPage);
  const otherEmail = newEmail("vault-dev");
  await signUp(otherPage, "Dev Eloper", otherEmail);
  await expect(otherPage.getByLabel("Organisation name")).toBeVisible();
  // Membership set directly: the invitation flow has a test of its own.
  await withDb((db) =>
    db.query(`INSERT INTO memberships (id, org_id, user_id, role, updated_at) SELECT gen_random_uuid(), $1, id, 'DEVELOPER', now() FROM users WHERE email = $2`, [orgId, otherEmail]),
  );
  await otherPage.goto(`/${slug}/settings/provider-keys`);
  await expect(otherPage.getByText("Only admins and owners can see provider keys.")).toBeVisible();
  await expect(otherPage.getByRole("table", { name: "Provider keys" })).toHaveCount(0);
  expect(await otherPage.content()).not.toContain(fingerprint(providerKey));

  await withDb((db) => db.query(`UPDATE memberships SET role = 'ADMIN' WHERE org_id = $1 AND user_id = (SELECT id FROM users WHERE email = $2)`, [orgId, otherEmail]));
  await otherPage.reload();
  // Now an admin, who needs MFA in this org (the default): enrolment, then back to the page.
  await enrolMfa(otherPage);
  await expect(otherPage).toHaveURL(new RegExp(`/${slug}/settings/provider-keys$`));
  await otherPage.getByRole("switch", { name: "Show revoked" }).check();
  await expect(otherPage.getByRole("table", { name: "Provider keys" }).getByRole("row", { name: /Team OpenAI/ })).toContainText(fingerprint(providerKey));
  const adminMaster = otherPage.getByRole("region", { name: "Master key" });
  await expect(adminMaster).toContainText("Active master key");
  await expect(adminMaster.getByRole("button", { name: "Re-wrap under the active master key" })).toHaveCount(0);
  await other.close();

  // No response this test received holds a provider key.
  await Promise.all(pendingBodies);
  expect(recorded.filter((entry) => entry.source === "gateway").length).toBeGreaterThanOrEqual(7);
  for (const entry of recorded) {
    for (const [index, secret] of plaintexts.entries()) expect(entry.body.includes(secret), `${entry.source} ${entry.url} holds provider key #${index + 1}`).toBe(false);
  }
  await context.close();
});
