import { randomUUID } from "node:crypto";
import { expect, type Page } from "@playwright/test";
import pg from "pg";
import { GENESIS_HASH, hashEvent } from "../../lib/audit/chain";
import { stepAt, totpAt } from "../../lib/mfa/totp";

export const PASSWORD = "correct horse battery staple";

export function newEmail(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}@example.test`;
}

/** Fill the sign-up form, at /sign-up or (with `from: null`) on the page already open. */
export async function signUp(page: Page, name: string, email: string, from: string | null = "/sign-up") {
  if (from) await page.goto(from);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
}

/** Sign in with a password at /sign-in (email first, then the password step). */
export async function signIn(page: Page, email: string, password = PASSWORD, from = "/sign-in") {
  await page.goto(from);
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export interface Enrolled {
  secret: string;
  recoveryCodes: string[];
  /** The TOTP step whose code confirmed the enrolment: that code cannot be used again. */
  step: number;
}

/**
 * On the MFA enrolment page, where a new org's creator lands (owners and
 * admins need MFA by default): read the setup key shown beside the QR code,
 * confirm with a code computed here (as an authenticator app would), keep the
 * recovery codes and continue to where the console was going. Call it right
 * after "Create organisation" (or after a sign-in that leads to enrolment).
 */
export async function enrolMfa(page: Page): Promise<Enrolled> {
  await expect(page.getByRole("heading", { name: "Set up two-factor authentication" })).toBeVisible();
  const secret = (await page.getByTestId("mfa-secret").innerText()).replace(/\s/g, "");
  const now = Math.floor(Date.now() / 1000);
  await page.getByLabel("Code from the app").fill(await totpAt(secret, now));
  await page.getByRole("button", { name: "Turn on two-factor authentication" }).click();
  const codes = page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem");
  await expect(codes).toHaveCount(10);
  const recoveryCodes = await codes.allInnerTexts();
  await page.getByRole("button", { name: "I have saved my recovery codes, continue" }).click();
  await expect(page).not.toHaveURL(/\/mfa(\?|$)/);
  return { secret, recoveryCodes, step: stepAt(now) };
}

/** A code of a step after `usedStep` (a step's code is accepted once), waiting for the next step if need be. */
export async function freshTotp(secret: string, usedStep: number): Promise<{ code: string; step: number }> {
  for (;;) {
    const now = Math.floor(Date.now() / 1000);
    if (stepAt(now) > usedStep) return { code: await totpAt(secret, now), step: stepAt(now) };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Answer the MFA check after a sign-in (or for step-up) with a current code. */
export async function verifyMfa(page: Page, enrolled: Enrolled): Promise<void> {
  await expect(page.getByRole("heading", { name: "Two-factor authentication" })).toBeVisible();
  const { code, step } = await freshTotp(enrolled.secret, enrolled.step);
  await page.getByLabel("Authentication code").fill(code);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).not.toHaveURL(/\/mfa(\?|$)/);
  enrolled.step = step;
}

export async function withDb<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Re-verify an org's audit hash chain from the rows, independently of the app. */
export async function verifyChain(client: pg.Client, orgId: string) {
  const { rows } = await client.query(`SELECT * FROM audit_logs WHERE chain = $1 ORDER BY seq`, [orgId]);
  let prev = GENESIS_HASH;
  rows.forEach((row, i) => {
    expect(BigInt(row.seq)).toBe(BigInt(i + 1));
    expect(row.prev_hash).toBe(prev);
    const fields = {
      chain: row.chain,
      seq: BigInt(row.seq),
      orgId: row.org_id,
      projectId: row.project_id,
      action: row.action,
      actorType: row.actor_type,
      actorId: row.actor_id,
      actorLabel: row.actor_label,
      targetType: row.target_type,
      targetId: row.target_id,
      ip: row.ip,
      userAgent: row.user_agent,
      requestId: row.request_id,
      metadata: row.metadata,
      createdAt: row.created_at,
      prevHash: row.prev_hash,
    };
    expect(hashEvent(fields), `event ${row.seq} (${row.action})`).toBe(row.hash);
    prev = row.hash;
  });
  return rows as { action: string; actor_label: string | null; metadata: Record<string, unknown> }[];
}
