import { readdirSync } from "node:fs";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations, defaultPaths, diffMigrationsToSchema, isEmptyMigration } from "@/lib/db/migrate";

const url = process.env.DATABASE_URL!;
const pool = new pg.Pool({ connectionString: url, max: 1 });
afterAll(() => pool.end());

const migrationNames = readdirSync(defaultPaths.migrationsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

async function history() {
  const { rows } = await pool.query<{ migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null }>(
    "SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY migration_name",
  );
  return rows;
}

describe("migrations", () => {
  it("bring an empty database exactly to schema.prisma", async () => {
    const sql = await diffMigrationsToSchema(url);
    expect(isEmptyMigration(sql), `schema.prisma and prisma/migrations disagree; run npm run db:diff -- <name>:\n${sql}`).toBe(true);
  }, 120_000);

  it("are all recorded as applied in the test database", async () => {
    const rows = await history();
    expect(rows.map((row) => row.migration_name)).toEqual(migrationNames);
    for (const row of rows) {
      expect(row.finished_at).not.toBeNull();
      expect(row.rolled_back_at).toBeNull();
    }
  });

  it("re-applying them is a no-op", async () => {
    const before = await history();
    await expect(applyMigrations(url)).resolves.toEqual({ applied: [] });
    expect(await history()).toEqual(before);
  }, 60_000);
});

describe("isEmptyMigration", () => {
  it("ignores comments and whitespace only", () => {
    expect(isEmptyMigration("-- This is an empty migration.\n")).toBe(true);
    expect(isEmptyMigration("  /* nothing */\n\n")).toBe(true);
    expect(isEmptyMigration("-- AddColumn\nALTER TABLE x ADD COLUMN y INT;")).toBe(false);
  });
});
