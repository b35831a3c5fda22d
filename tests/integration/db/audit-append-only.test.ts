import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";

// The audit_append_only migration: audit_logs accepts INSERT only, except a
// DELETE in a transaction marked by the retention job.
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL!, max: 2 });
afterAll(() => pool.end());

const refused = { code: "GA001", message: "audit_logs is append-only" };

/** One audit row on a chain of its own (so concurrent tests never collide). */
async function insertAuditRow(client: pg.Pool | pg.PoolClient = pool): Promise<string> {
  const id = randomUUID();
  await client.query(
    `INSERT INTO audit_logs (id, chain, seq, action, actor_type, metadata, created_at, prev_hash, hash)
     VALUES ($1, $2, 1, 'test.event', 'SYSTEM', '{}', now(), $3, $4)`,
    [id, `test-${id}`, "0".repeat(64), "f".repeat(64)],
  );
  return id;
}

async function exists(id: string): Promise<boolean> {
  const { rowCount } = await pool.query("SELECT 1 FROM audit_logs WHERE id = $1", [id]);
  return rowCount === 1;
}

/** Runs `work` in a transaction on one connection, always ending it. */
async function inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    client.release();
  }
}

describe("audit_logs is append-only", () => {
  it("accepts inserts", async () => {
    expect(await exists(await insertAuditRow())).toBe(true);
  });

  it("refuses UPDATE", async () => {
    const id = await insertAuditRow();
    await expect(pool.query("UPDATE audit_logs SET action = 'tampered' WHERE id = $1", [id])).rejects.toMatchObject(refused);
    const { rows } = await pool.query("SELECT action FROM audit_logs WHERE id = $1", [id]);
    expect(rows[0].action).toBe("test.event");
  });

  it("refuses DELETE", async () => {
    const id = await insertAuditRow();
    await expect(pool.query("DELETE FROM audit_logs WHERE id = $1", [id])).rejects.toMatchObject(refused);
    expect(await exists(id)).toBe(true);
  });

  it("refuses TRUNCATE", async () => {
    const id = await insertAuditRow();
    await expect(pool.query("TRUNCATE audit_logs")).rejects.toMatchObject(refused);
    expect(await exists(id)).toBe(true);
  });

  it("refuses UPDATE even in a transaction marked for retention", async () => {
    const id = await insertAuditRow();
    await expect(
      inTransaction(async (client) => {
        await client.query("SET LOCAL gatehouse.audit_retention = 'on'");
        await client.query("UPDATE audit_logs SET action = 'tampered' WHERE id = $1", [id]);
      }),
    ).rejects.toMatchObject(refused);
  });

  it("allows DELETE in a transaction with SET LOCAL gatehouse.audit_retention = 'on'", async () => {
    const id = await insertAuditRow();
    const deleted = await inTransaction(async (client) => {
      await client.query("SET LOCAL gatehouse.audit_retention = 'on'");
      const result = await client.query("DELETE FROM audit_logs WHERE id = $1", [id]);
      return result.rowCount;
    });
    expect(deleted).toBe(1);
    expect(await exists(id)).toBe(false);
  });

  it("forgets the retention mark when its transaction ends", async () => {
    const id = await insertAuditRow();
    await inTransaction((client) => client.query("SET LOCAL gatehouse.audit_retention = 'on'"));
    await expect(pool.query("DELETE FROM audit_logs WHERE id = $1", [id])).rejects.toMatchObject(refused);
    expect(await exists(id)).toBe(true);
  });
});
