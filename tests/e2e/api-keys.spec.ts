import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import OpenAI from "openai";
import { enrolMfa, newEmail, signUp, verifyChain, withDb } from "./support";

/**
 * An SDK caller's whole story: an owner creates a restricted key in the
 * console and copies it; the official openai package calls the gateway with
 * it (the upstream is a local server speaking the provider's protocol);
 * the IP allowlist refuses another address; rotation keeps both secrets for
 * the grace window; revocation stops both; nothing secret is stored or logged.
 */
const providerKey = process.env.E2E_PROVIDER_KEY!;

function sdk(apiKey: string, headers: Record<string, string> = {}) {
  return new OpenAI({ baseURL: `${process.env.E2E_BASE_URL}/api/v1`, apiKey, maxRetries: 0, defaultHeaders: { "X-Provider-Key": providerKey, ...headers } });
}

async function ask(apiKey: string, headers: Record<string, string> = {}) {
  const reply = await sdk(apiKey, headers).chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "ping from the browser test" }] });
  return reply.choices[0]?.message.content;
}

test("an owner creates, uses, rotates and revokes a restricted API key", async ({ browser }) => {
  const context = await browser.newContext();
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const page = await context.newPage();
  await signUp(page, "Kim Keys", newEmail("keys"));
  await page.getByLabel("Organisation name").fill(`Keys ${Date.now().toString(36)}`);
  await page.getByRole("button", { name: "Create organisation" }).click();
  await enrolMfa(page);
  await expect(page).toHaveURL(/\/projects$/);
  await page.getByLabel("Project name").fill("Gateway App");
  await page.getByRole("button", { name: "Create project" }).click();
  await page.getByRole("link", { name: "Gateway App" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Gateway App" })).toBeVisible();

  // Create a key limited to loopback callers and one browser origin.
  await page.getByRole("button", { name: "Create API key" }).click();
  const dialog = page.getByRole("dialog", { name: "Create an API key" });
  await dialog.getByLabel("Name").fill("CI key");
  await dialog.getByLabel("chat", { exact: true }).check();
  await dialog.getByLabel("IP allowlist").fill("127.0.0.1\n::1");
  await dialog.getByLabel("Allowed origins").fill("https://app.example.com");
  await dialog.getByRole("button", { name: "Create key" }).click();

  const created = page.getByRole("dialog", { name: "API key created" });
  const secret = await created.getByLabel("Secret key").inputValue();
  expect(secret).toMatch(/^ghk1_[0-9A-Za-z]{46}$/);
  await created.getByRole("button", { name: "Copy API key" }).click();
  await expect(created.getByText("Copied")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  await created.getByRole("button", { name: "Done" }).click();
  await expect(page.getByText(secret)).toHaveCount(0);
  const row = page.getByRole("table", { name: "API keys" }).getByRole("row", { name: /CI key/ });
  await expect(row).toContainText(secret.slice(0, 11));
  await expect(row).toContainText(secret.slice(-4));

  // The gateway answers the key from here, and refuses it from an address outside the allowlist.
  expect(await ask(secret)).toBe("Echo: ping from the browser test");
  await expect(ask(secret, { "X-Forwarded-For": "198.51.100.7" })).rejects.toMatchObject({ status: 403, code: "ip_not_allowed" });
  await expect(ask(secret, { Origin: "https://evil.example" })).rejects.toMatchObject({ status: 403, code: "origin_not_allowed" });
  const stream = await sdk(secret).chat.completions.create({ model: "claude-3-5-haiku-latest", stream: true, messages: [{ role: "user", content: "stream me please" }] });
  let streamed = "";
  for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? "";
  expect(streamed).toBe("Echo: stream me please");

  // Rotate with a one-hour grace window: both secrets work.
  await row.getByRole("button", { name: "Rotate CI key" }).click();
  const rotate = page.getByRole("dialog", { name: "Rotate CI key?" });
  await rotate.getByLabel("1 hour").check();
  await rotate.getByRole("button", { name: "Rotate key" }).click();
  const rotated = page.getByRole("dialog", { name: "API key rotated" });
  const newSecret = await rotated.getByLabel("Secret key").inputValue();
  expect(newSecret).not.toBe(secret);
  await rotated.getByRole("button", { name: "Done" }).click();
  expect(await ask(secret)).toContain("Echo:");
  expect(await ask(newSecret)).toContain("Echo:");

  // Revoke: both secrets stop at once on this instance.
  await page.getByRole("button", { name: "Revoke CI key" }).click();
  await page.getByRole("dialog", { name: "Revoke CI key?" }).getByRole("button", { name: "Revoke key" }).click();
  await expect(page.getByText("CI key revoked.")).toBeVisible();
  for (const s of [secret, newSecret]) await expect(ask(s)).rejects.toMatchObject({ status: 401, code: "api_key_revoked" });

  await withDb(async (db) => {
    const key = (await db.query(`SELECT id, org_id FROM api_keys WHERE name = 'CI key' AND prefix = $1`, [newSecret.slice(0, 11)])).rows[0];
    const events = await verifyChain(db, key.org_id);
    expect(events.map((e) => e.action).filter((a) => a.startsWith("api_key."))).toEqual(["api_key.created", "api_key.rotated", "api_key.revoked"]);
    // Usage is written in batches: every answered gateway call has its record.
    await expect.poll(async () => (await db.query(`SELECT count(*)::int AS n FROM usage_records WHERE api_key_id = $1`, [key.id])).rows[0].n, { timeout: 10_000 }).toBe(4);

    // Neither secret nor the provider key is stored or logged anywhere.
    const tables = (await db.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`)).rows.map((r) => r.tablename as string);
    for (const table of tables) {
      const dump = JSON.stringify((await db.query(`SELECT * FROM "${table}"`)).rows);
      for (const value of [secret, newSecret, providerKey]) expect(dump.includes(value), `${table} holds a secret`).toBe(false);
    }
  });
  const log = readFileSync(process.env.E2E_SERVER_LOG!, "utf8");
  for (const value of [secret, newSecret, providerKey]) expect(log.includes(value)).toBe(false);
});
