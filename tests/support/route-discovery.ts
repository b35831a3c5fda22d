import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/**
 * Finds the route handlers under a folder of app/ and reads how each one is
 * built, for tests that compare them with a registry: the exported HTTP
 * methods (by importing the module), and the door call and the options object
 * of each export (from the source text).
 */
export const ROOT = path.resolve(import.meta.dirname, "../..");

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

/** `app/api/v1/orgs/[orgId]/route.ts` → `/api/v1/orgs/{orgId}`: route groups dropped, dynamic segments as OpenAPI params. */
export function urlTemplate(file: string): string {
  const segments = path
    .relative(path.join(ROOT, "app"), path.dirname(file))
    .split(path.sep)
    .filter((segment) => !/^\(.*\)$/.test(segment))
    .map((segment) => segment.replace(/^\[(?:\.\.\.)?([^\]]+)\]$/, "{$1}"));
  return `/${segments.join("/")}`;
}

export interface Handler {
  method: string;
  path: string;
  file: string;
}

/** Every exported handler among `methods` in the route files under `dir` (relative to the repository root). */
export async function discoverHandlers(dir: string, methods: readonly string[]): Promise<Handler[]> {
  const found: Handler[] = [];
  for (const file of walk(path.join(ROOT, dir)).filter((f) => /\/route\.tsx?$/.test(f))) {
    const mod = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
    for (const method of methods) if (typeof mod[method] === "function") found.push({ method, path: urlTemplate(file), file });
  }
  return found;
}

/** The text from an opening bracket to its match (strings and template literals skipped). */
function balanced(text: string, start: number): string {
  const open = text[start]!;
  const close = open === "{" ? "}" : ")";
  let depth = 0;
  let quote: string | null = null;
  for (let i = start; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'" || ch === "`") quote = ch;
    else if (ch === open) depth++;
    else if (ch === close && --depth === 0) return text.slice(start, i + 1);
  }
  throw new Error(`unbalanced ${open} at ${start}`);
}

export interface HandlerSource {
  /** The function the export calls: `withOrg`, `withApiKey`, … */
  door: string;
  /** withApiKey's first argument. */
  scope: string | null;
  /** Top-level keys of the options object, with the identifier each names (null for an expression). */
  options: Map<string, string | null>;
  optionsText: string;
  /** Local name → module specifier, for the file's named imports. */
  imports: Map<string, string>;
}

function topLevelEntries(objectText: string): Map<string, string | null> {
  const entries = new Map<string, string | null>();
  const body = objectText.slice(1, -1);
  let depth = 0;
  let part = "";
  const parts: string[] = [];
  for (const ch of body) {
    if ("{([".includes(ch)) depth++;
    if ("})]".includes(ch)) depth--;
    if (ch === "," && depth === 0) {
      parts.push(part);
      part = "";
    } else part += ch;
  }
  parts.push(part);
  for (const raw of parts.map((p) => p.trim()).filter(Boolean)) {
    const match = /^([A-Za-z_$][\w$]*)\s*(?::\s*([\s\S]*))?$/.exec(raw);
    if (!match) continue;
    const value = match[2]?.trim();
    entries.set(match[1]!, value === undefined ? match[1]! : /^[A-Za-z_$][\w$]*$/.test(value) ? value : null);
  }
  return entries;
}

/** How `export const <method> = door(…)` is built in a route file. */
export function handlerSource(file: string, method: string): HandlerSource {
  const text = readFileSync(file, "utf8");
  const exported = new RegExp(`export const ${method} = ([A-Za-z_$][\\w$]*)\\(`).exec(text);
  if (!exported) throw new Error(`${file}: no \`export const ${method} = door(…)\``);
  const argsStart = exported.index + exported[0].length;
  const first = text.slice(argsStart).search(/\S/) + argsStart;
  const scope = text[first] === '"' ? /^"([^"]*)"/.exec(text.slice(first))![1]! : null;
  const optionsText = text[first] === "{" ? balanced(text, first) : "";
  const imports = new Map<string, string>();
  for (const [, names, from] of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*"([^"]+)"/g)) {
    for (const name of names!.split(",").map((n) => n.trim().replace(/^type\s+/, ""))) if (name) imports.set(name.split(/\s+as\s+/).pop()!, from!);
  }
  return { door: exported[1]!, scope, options: optionsText ? topLevelEntries(optionsText) : new Map(), optionsText, imports };
}

/** Import a module named by an `@/…` specifier. */
export function importAliased(specifier: string): Promise<Record<string, unknown>> {
  const file = specifier.startsWith("@/") ? path.join(ROOT, specifier.slice(2)) : specifier;
  return import(/* @vite-ignore */ file) as Promise<Record<string, unknown>>;
}
