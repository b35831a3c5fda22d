import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PrismaPg } from "@prisma/adapter-pg";
import { ColumnTypeEnum, bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import * as wasmGlue from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { MigrationList, SchemaContainer, SchemaEngine } from "@prisma/schema-engine-wasm/schema_engine_bg";
import pg from "pg";
import { startEmbeddedPostgres } from "./embedded";

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

// ---------------------------------------------------------------------------
// The engine

function schemaFile(paths: MigrationPaths): SchemaContainer {
  return { path: path.basename(paths.schemaPath), content: readFileSync(paths.schemaPath, "utf8") };
}

let engineModule: Promise<typeof wasmGlue> | undefined;
let panicked = false;

// The engine's glue reports a Rust panic here; the failure itself may then
// surface as a bare "RuntimeError: unreachable", so print the message.
(globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY ??= {
  set_message(message: string) {
    panicked = true;
    console.error(`[schema-engine] panic: ${message}`);
  },
};

/**
 * The package is a bundler-style wasm-bindgen build (its entry imports the
 * .wasm as an ES module, which Node 20 only does behind a flag), so we
 * instantiate the .wasm ourselves against its JS glue, once per process.
 */
function loadEngine(): Promise<typeof wasmGlue> {
  engineModule ??= (async () => {
    const entry = createRequire(import.meta.url).resolve("@prisma/schema-engine-wasm");
    const bytes = await readFile(path.join(path.dirname(entry), "schema_engine_bg.wasm"));
    const glue: WebAssembly.ModuleImports = { ...(wasmGlue as unknown as WebAssembly.ModuleImports) };
    for (const name of Object.keys(glue).filter((key) => key.startsWith("__wbg_setTimeout_"))) {
      glue[name] = (callback: () => void, ms: number) => engineTimer(callback, ms >>> 0);
    }
    const imports = { "./schema_engine_bg.js": glue };
    const { instance } = await WebAssembly.instantiate(bytes, imports);
    wasmGlue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return wasmGlue;
  })();
  return engineModule;
}

/**
 * The engine arms timers it never clears (a 10 s advisory-lock timeout among
 * them), which would keep a finished process alive: they are tracked, and the
 * leftovers cleared once no engine is running.
 */
const engineTimers = new Set<NodeJS.Timeout>();
let runningEngines = 0;

function engineTimer(callback: () => void, ms: number): NodeJS.Timeout {
  const timer = setTimeout(() => {
    engineTimers.delete(timer);
    callback();
  }, ms);
  engineTimers.add(timer);
  return timer;
}

/**
 * Columns of PostgreSQL's one-byte `"char"` type (oid 18, e.g.
 * pg_constraint.contype), which the engine's catalogue queries return and
 * which adapter-pg 7.10 does not map ("Column type 'char' could not be
 * deserialized"). The client below reports them as text so that adapter-pg
 * accepts the result, and remembers where they were (keyed by the rows array,
 * which adapter-pg hands on unchanged) so that the adapter can type them as
 * `Character`, the type the engine reads them as.
 */
const charColumns = new WeakMap<object, number[]>();

class EngineClient extends pg.Client {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg's query() has many overloads
  override query(...args: any[]): any {
    const last = args.at(-1);
    if (typeof last === "function") {
      args[args.length - 1] = (error: Error | null, result: unknown) => last(error, error ? result : noteCharColumns(result));
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    return result instanceof Promise ? result.then(noteCharColumns) : result;
  }
}

function noteCharColumns<R>(result: R): R {
  for (const one of Array.isArray(result) ? result : [result]) {
    const { fields, rows } = (one ?? {}) as Partial<pg.QueryResult>;
    const indexes: number[] = [];
    fields?.forEach((field, index) => {
      if (field.dataTypeID !== 18) return;
      field.dataTypeID = 25; // text
      indexes.push(index);
    });
    if (indexes.length > 0 && rows) charColumns.set(rows, indexes);
  }
  return result;
}

/**
 * adapter-pg, adjusted for the engine:
 * - `"char"` columns typed `Character` (see above);
 * - `executeScript` sends the whole script as one simple-protocol query, as the
 *   native engine does (one implicit transaction). adapter-pg splits it on
 *   every ";", which breaks any function body (`$$ ... ; ... $$`). A query
 *   without parameters goes through pg's simple protocol, and going through
 *   `executeRaw` keeps adapter-pg's error mapping.
 */
class EnginePg extends PrismaPg {
  override async connect() {
    const adapter = await super.connect();
    const queryRaw = adapter.queryRaw.bind(adapter);
    adapter.queryRaw = async (query) => {
      const result = await queryRaw(query);
      for (const index of charColumns.get(result.rows) ?? []) result.columnTypes[index] = ColumnTypeEnum.Character;
      return result;
    };
    adapter.executeScript = async (script: string) => {
      await adapter.executeRaw({ sql: script, args: [], argTypes: [] });
    };
    return adapter;
  }
}

async function withEngine<T>(connectionString: string, paths: MigrationPaths, run: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const { SchemaEngine } = await loadEngine();
  // One connection, like the native engine: its advisory lock and the
  // statements it guards share a session.
  const pool = new pg.Pool({ connectionString, max: 1, Client: EngineClient });
  pool.on("error", () => {}); // an idle connection dropped by the server is not fatal here
  const schema = schemaFile(paths);
  const factory = bindMigrationAwareSqlAdapterFactory(new EnginePg(pool));
  let engine: SchemaEngine | undefined;
  runningEngines++;
  try {
    engine = await SchemaEngine.new({ datamodels: [[schema.path, schema.content]] }, logEngineMessage, factory);
    return await run(engine);
  } finally {
    if (!panicked) engine?.free();
    await pool.end();
    if (--runningEngines === 0) {
      for (const timer of engineTimers) clearTimeout(timer);
      engineTimers.clear();
      if (panicked) [engineModule, panicked] = [undefined, false]; // a panicked instance is not reused
    }
  }
}

/** The engine logs JSON lines; only warnings and errors are worth showing. */
function logEngineMessage(line: string): void {
  const entry = (() => {
    try {
      return JSON.parse(line) as { level?: string; fields?: { message?: string } };
    } catch {
      return { level: "WARN", fields: { message: line } };
    }
  })();
  if (entry.level === "WARN" || entry.level === "ERROR") console.warn(`[schema-engine] ${entry.fields?.message ?? line}`);
}
