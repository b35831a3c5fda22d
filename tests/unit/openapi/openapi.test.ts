import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as serveDocument } from "@/app/api/v1/openapi.json/route";
import { buildOpenApiDocument, openApiJson, type JsonSchema } from "@/lib/openapi/document";
import { ROUTES } from "@/lib/openapi/registry";
import { errorStatus, HTTP_METHODS, type ApiErrorCode, type RouteEntry } from "@/lib/openapi/route-spec";
import { ERROR_STATUS } from "@/lib/security/errors";
import { discoverHandlers, handlerSource, importAliased, type Handler } from "../../support/route-discovery";

const doc = buildOpenApiDocument();
const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));
const key = (method: string, path: string) => `${method.toUpperCase()} ${path}`;

/** Every value under `node` with its JSON pointer. */
function* walk(node: unknown, pointer = ""): Generator<[string, unknown]> {
  yield [pointer, node];
  if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) yield* walk(v, `${pointer}/${k.replaceAll("~", "~0").replaceAll("/", "~1")}`);
  }
}

function resolve(pointer: string): unknown {
  let node: unknown = doc;
  for (const part of pointer.slice(2).split("/")) {
    const name = part.replaceAll("~1", "/").replaceAll("~0", "~");
    if (!node || typeof node !== "object" || !Object.hasOwn(node, name)) return undefined;
    node = (node as Record<string, unknown>)[name];
  }
  return node;
}

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 in shape", () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.jsonSchemaDialect).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(doc.components.securitySchemes).toEqual({
      session: expect.objectContaining({ type: "apiKey", in: "cookie", name: "next-auth.session-token" }),
      apiKey: expect.objectContaining({ type: "http", scheme: "bearer", bearerFormat: "ghk1_…" }),
    });
    const tags = new Set(doc.tags.map((t) => t.name));
    for (const { path, method, op } of operations) {
      const at = key(method, path);
      expect(path, at).toMatch(/^\/api\/v1\//);
      expect(HTTP_METHODS.map((m) => m.toLowerCase()), at).toContain(method);
      expect(Object.keys(op.responses).some((status) => /^2\d\d$/.test(status)), at).toBe(true);
      for (const status of Object.keys(op.responses)) expect(status, at).toMatch(/^([1-5]\d\d|default)$/);
      for (const tag of op.tags) expect(tags, at).toContain(tag);
      for (const requirement of op.security) for (const scheme of Object.keys(requirement)) expect(doc.components.securitySchemes, at).toHaveProperty(scheme);
    }
  });

  it("declares every path parameter, required, and no parameter the path lacks", () => {
    for (const { path, method, op } of operations) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name);
      const declared = op.parameters.filter((p) => p.in === "path");
      expect(declared.map((p) => p.name), key(method, path)).toEqual(inPath);
      for (const p of declared) {
        expect(p.required, `${key(method, path)} ${p.name}`).toBe(true);
        expect(p.schema, `${key(method, path)} ${p.name}`).toHaveProperty("type", "string");
      }
    }
    for (const entry of ROUTES) for (const name of Object.keys(entry.params?.shape ?? {})) expect(entry.path, `${entry.operationId} params`).toContain(`{${name}}`);
  });

  it("gives every operation its own operationId", () => {
    const ids = operations.map(({ op }) => op.operationId);
    expect(ids.every((id) => /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("resolves every $ref inside the document", () => {
    const refs = [...walk(doc)].filter(([pointer]) => pointer.endsWith("/$ref")).map(([pointer, value]) => [pointer, value] as const);
    expect(refs.length).toBeGreaterThan(0);
    for (const [pointer, value] of refs) {
      expect(typeof value === "string" && value.startsWith("#/"), pointer).toBe(true);
      expect(resolve(value as string), `${pointer} → ${String(value)}`).toBeDefined();
    }
  });

  it("types every response field, Date → ISO string transforms as date-time strings", () => {
    for (const { path, method, op } of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        for (const [type, media] of Object.entries(response.content ?? {})) {
          for (const [pointer, node] of walk(media.schema)) {
            if (!/\/(properties\/[^/]+|items)$/.test(pointer)) continue;
            expect(Object.keys(node as JsonSchema).length, `${key(method, path)} ${status} ${type}${pointer}`).toBeGreaterThan(0);
          }
        }
      }
    }
    const created = doc.paths["/api/v1/orgs/{orgId}/projects/{projectId}/api-keys"]!.post!.responses["201"]!.content!["application/json"]!.schema;
    expect(created).toMatchObject({ properties: { createdAt: { type: "string", format: "date-time" }, secret: { type: "string" } } });
    expect(JSON.stringify(created.properties)).toContain('"expiresAt":{"anyOf":[{"type":"string","format":"date-time"},{"type":"null"}]}');
  });

  it("answers each error code under its own status, in the shape of its API", () => {
    expect(resolve("#/components/schemas/Error/properties/error/properties/code/enum")).toEqual(Object.keys(ERROR_STATUS));
    for (const { path, method, op } of operations) {
      const sdk = op["x-gatehouse-door"] === "withApiKey";
      for (const [status, response] of Object.entries(op.responses)) {
        if (/^2/.test(status)) continue;
        const schema = response.content!["application/json"]!.schema as { allOf?: [{ $ref: string }, JsonSchema]; $ref?: string };
        if (status === "default") {
          expect(sdk && schema.$ref === "#/components/schemas/OpenAIError", key(method, path)).toBe(true);
          continue;
        }
        expect(schema.allOf![0].$ref, key(method, path)).toBe(`#/components/schemas/${sdk ? "OpenAIError" : "Error"}`);
        const codes = (schema.allOf![1] as { properties: { error: { properties: { code: { enum: ApiErrorCode[] } } } } }).properties.error.properties.code.enum;
        for (const code of codes) expect(errorStatus(code), `${key(method, path)} ${code}`).toBe(Number(status));
      }
    }
  });

  it("is served publicly at /api/v1/openapi.json, built once, cacheable for five minutes", async () => {
    const res = await serveDocument(new NextRequest("http://localhost:3000/api/v1/openapi.json"), { params: Promise.resolve({}) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("cache-control")).toBe("public, max-age=300");
    expect(res.headers.get("x-request-id")).toBeTruthy();
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(doc)));
    expect(openApiJson()).toBe(openApiJson());
  });
});

describe("the registry", () => {
  let handlers: Handler[] = [];
  const entries = new Map(ROUTES.map((entry) => [key(entry.method, entry.path), entry]));
  beforeAll(async () => {
    handlers = await discoverHandlers("app/api/v1", HTTP_METHODS);
  });

  it("has one entry per route handler under app/api/v1", () => {
    expect(entries.size).toBe(ROUTES.length);
    const missing = handlers.map((h) => key(h.method, h.path)).filter((k) => !entries.has(k));
    expect(missing, "handlers with no registry entry").toEqual([]);
  });

  it("has no entry without a route handler", () => {
    const found = new Set(handlers.map((h) => key(h.method, h.path)));
    expect([...entries.keys()].filter((k) => !found.has(k)), "registry entries with no handler").toEqual([]);
  });

  it("agrees with each route file on door, permission or scope, status, rate limit and schemas", async () => {
    expect(handlers.length).toBeGreaterThan(0);
    for (const handler of handlers) {
      const entry = entries.get(key(handler.method, handler.path)) as RouteEntry;
      const at = key(handler.method, handler.path);
      const source = handlerSource(handler.file, handler.method);
      expect(source.door, at).toBe(entry.door);
      if (entry.door === "withApiKey") {
        expect(source.scope, at).toBe(entry.scope);
        continue;
      }
      const text = source.optionsText;
      expect(/\bpermission:\s*"([^"]+)"/.exec(text)?.[1], at).toBe("permission" in entry ? entry.permission : undefined);
      expect(Number(/\bstatus:\s*(\d{3})/.exec(text)?.[1] ?? 200), at).toBe(entry.status);
      const limit = /\brateLimit:\s*(?:"(\w+)"|(false))/.exec(text);
      if (limit) expect(limit[1] ?? false, at).toBe(entry.rateLimit);
      for (const part of ["params", "query", "body"] as const) expect(source.options.has(part), `${at} ${part}`).toBe(entry[part] !== undefined);
      if (source.options.has("response")) expect(entry.response, at).toBeDefined();
      // A schema the route imports by name must be the very schema the registry documents.
      for (const part of ["params", "query", "body", "response"] as const) {
        const name = source.options.get(part);
        const from = name ? source.imports.get(name) : undefined;
        if (!name || !from) continue;
        expect((await importAliased(from))[name], `${at} ${part}: ${name}`).toBe(entry[part]);
      }
    }
  });
});
