import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { MigrationList } from "@prisma/schema-engine-wasm/schema_engine_bg";
import pg from "pg";
import { startEmbeddedPostgres } from "./embedded";
import { schemaFile, withEngine } from "./schema-engine";

/**
 * Migrations without the Prisma CLI (whose schema-engine binary cannot be
 * downloaded here): Prisma's own schema engine compiled to WebAssembly, talking
 * to PostgreSQL through `@prisma/adapter-pg`. `applyMigrations` does what
 * `prisma migrate deploy` does (same `_prisma_migrations` bookkeeping, same
 * checksums, same advisory lock); `diffMigrationsToSchema` is the SQL that
 * `prisma migrate dev` would write for the next migration.
 */
export interface MigrationPaths {
  schemaPath: string;
  migrationsDir: string;
}

const prismaDir = fileURLToPath(new URL("../../prisma/", import.meta.url));
export const defaultPaths: MigrationPaths = {
  schemaPath: path.join(prismaDir, "schema.prisma"),
  migrationsDir: path.join(prismaDir, "migrations"),
};

const noFilters = { externalTables: [], externalEnums: [] };

export async function applyMigrations(connectionString: string, paths = defaultPaths): Promise<{ applied: string[] }> {
  return withEngine(connectionString, paths, async (engine) => {
    const migrationsList = readMigrationsList(paths.migrationsDir);
    const output = await engine.applyMigrations({ migrationsList, filters: noFilters });
    return { applied: output.appliedMigrationNames };
  });
}

/**
 * The SQL that brings a database with every migration applied to the state of
 * schema.prisma ("-- This is an empty migration." when they agree: test with
 * `isEmptyMigration`). The migrations are replayed in a scratch database on
 * the server of `connectionString`, dropped afterwards; on PGlite, which has a
 * single database, or without a connection string, in a fresh in-process PGlite.
 */
export async function diffMigrationsToSchema(connectionString?: string, paths = defaultPaths): Promise<string> {
  return withScratchDatabase(connectionString, (scratchUrl) =>
    withEngine(scratchUrl, paths, async (engine) => {
      await engine.applyMigrations({ migrationsList: readMigrationsList(paths.migrationsDir), filters: noFilters });
      const files = [schemaFile(paths)];
      const result = await engine.diff({
        from: { tag: "schemaDatasource", files, configDir: path.dirname(paths.schemaPath) },
        to: { tag: "schemaDatamodel", files },
        script: true,
        exitCode: null,
        filters: noFilters,
      });
      return result.stdout ?? "";
    }),
  );
}

/** True when a migration script holds nothing but comments and whitespace. */
export function isEmptyMigration(sql: string): boolean {
  return sql.replace(/\/\*[\s\S]*?\*\//g, "").replace(/--.*$/gm, "").trim() === "";
}

/** The migrations directory in the shape the engine expects (built as the CLI builds it). */
export function readMigrationsList(migrationsDir: string): MigrationList {
  const read = (file: string) => (existsSync(file) ? readFileSync(file, "utf8") : null);
  const names = existsSync(migrationsDir)
    ? readdirSync(migrationsDir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name)
    : [];
  return {
    baseDir: migrationsDir,
    lockfile: { path: "migration_lock.toml", content: read(path.join(migrationsDir, "migration_lock.toml")) },
    shadowDbInitScript: "",
    migrationDirectories: names.sort((a, b) => a.localeCompare(b)).map((name) => {
      const sql = read(path.join(migrationsDir, name, "migration.sql"));
      const content = sql === null ? { tag: "error" as const, value: `${name}/migration.sql is missing` } : { tag: "ok" as const, value: sql };
      return { path: name, migrationFile: { path: "migration.sql", content } };
    }),
  };
}

// ---------------------------------------------------------------------------
// Databases on a server

/** Whether the server behind `connectionString` is PGlite (one database only). */
export async function isPglite(connectionString: string): Promise<boolean> {
  return withClient(connectionString, async (client) => {
    const { rows } = await client.query<{ version: string }>("SELECT version() AS version");
    return /PGlite/i.test(rows[0]?.version ?? "");
  });
}

/** `connectionString` pointing at another database of the same server. */
export function withDatabase(connectionString: string, database: string): string {
  const url = new URL(connectionString);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/** A database name no concurrent run will pick: `<prefix>_<pid>_<random>`. */
export function uniqueDatabaseName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`;
}

export async function createDatabase(serverUrl: string, name: string): Promise<void> {
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${quoteIdent(name)}`));
}

/** Drops a database, disconnecting whoever is still connected to it. */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await withClient(serverUrl, async (client) => {
    await client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name]);
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
  });
}

async function withScratchDatabase<T>(serverUrl: string | undefined, run: (url: string) => Promise<T>): Promise<T> {
  if (!serverUrl || (await isPglite(serverUrl))) {
    const scratch = await startEmbeddedPostgres();
    try {
      return await run(scratch.connectionString);
    } finally {
      await scratch.stop();
    }
  }
  const name = uniqueDatabaseName("gatehouse_scratch");
  await createDatabase(serverUrl, name);
  try {
    return await run(withDatabase(serverUrl, name));
  } finally {
    await dropDatabase(serverUrl, name);
  }
}

async function withClient<T>(connectionString: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
