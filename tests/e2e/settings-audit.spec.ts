import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { enrolMfa, newEmail, signUp, verifyChain, withDb } from "./support";

/**
 * An owner changes the org's security settings, finds the change in the audit
 * log viewer, filters the log down to it, reads its before and after values,
 * and exports the filtered log as CSV; the export is itself audited.
 */
test("a settings change is audited, found, filtered and exported", async ({ page }) => {
  await signUp(page, "Sam Settings", newEmail("settings"));
  await page.getByLabel("Organisation name").fill(`Audit ${Date.now().toString(36)}`);
  await page.getByRole("button", { name: "Create organisation" }).click();
  await enrolMfa(page);
  await expect(page).toHaveURL(/\/projects$/);
  const slug = new URL(page.url()).pathname.split("/")[1]!;

  await page.goto(`/${slug}/settings`);
  await expect(page.getByRole("heading", { name: "Security and data" })).toBeVisible();
  await page.getByLabel("Data retention (days)").fill("14");
  await page.getByRole("switch", { name: "Store prompts" }).check();
  await page.getByLabel("Allowed email domains").fill("Example.COM\nexample.org");
  await page.getByRole("button", { name: "Save security settings" }).click();
  await expect(page.getByText("Security settings saved.")).toBeVisible();

  await page.goto(`/${slug}/audit`);
  await expect(page.getByRole("status", { name: "Chain integrity" })).toContainText("Chain intact");
  const table = page.getByRole("table", { name: "Audit events" });
  await expect(table).toContainText("settings.updated");
  await expect(table).toContainText("org.created");

  const filters = page.getByRole("form", { name: "Audit log filters" });
  await filters.getByLabel("Action").selectOption(["settings.updated"]);
  await filters.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/action=settings\.updated/);
  await expect(table).not.toContainText("org.created");
  await expect(table.getByRole("button", { name: /^Details of event #/ })).toHaveCount(1);

  await table.getByRole("button", { name: /^Details of event #/ }).click();
  const drawer = page.getByRole("dialog", { name: /^Event #/ });
  await expect(drawer).toContainText("retentionDays");
  await expect(drawer).toContainText("example.com");
  await drawer.getByRole("button", { name: "Close" }).click();

  await page.getByRole("button", { name: "Export", exact: true }).click();
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export as CSV" }).click();
  const file = await (await download).path();
  const rows = parse(readFileSync(file, "utf8"), { columns: true }) as Record<string, string>[];
  expect(rows.map((r) => r.action)).toEqual(["settings.updated"]);
  expect(JSON.parse(rows[0]!.metadata!)).toMatchObject({ before: { retentionDays: 30 }, after: { retentionDays: 14, storePrompts: true } });
  await expect(page.getByRole("status", { name: "Export progress" })).toContainText("Exported 1 event");

  await withDb(async (db) => {
    const org = (await db.query(`SELECT id FROM orgs WHERE slug = $1`, [slug])).rows[0];
    const events = await verifyChain(db, org.id);
    expect(events.map((e) => e.action)).toEqual(["org.created", "settings.updated", "audit.exported"]);
    const settings = (await db.query(`SELECT retention_days, store_prompts, allowed_email_domains FROM org_settings WHERE org_id = $1`, [org.id])).rows[0];
    expect(settings).toEqual({ retention_days: 14, store_prompts: true, allowed_email_domains: ["example.com", "example.org"] });
  });
});
