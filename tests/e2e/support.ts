import { randomUUID } from "node:crypto";
import { expect, type Page } from "@playwright/test";
import pg from "pg";
import { GENESIS_HASH, hashEvent } from "../../lib/audit/chain";

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
