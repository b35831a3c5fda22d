import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { ColumnTypeEnum, bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import * as wasmGlue from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { SchemaContainer, SchemaEngine } from "@prisma/schema-engine-wasm/schema_engine_bg";
import pg from "pg";
import type { MigrationPaths } from "./migrate";

/**
 * Prisma's schema engine compiled to WebAssembly, loaded and adapted to run
 * offline over `@prisma/adapter-pg` (used by ./migrate.ts).
 */

export function schemaFile(paths: MigrationPaths): SchemaContainer {
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

export async function withEngine<T>(connectionString: string, paths: MigrationPaths, run: (engine: SchemaEngine) => Promise<T>): Promise<T> {
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
