import { z } from "zod";
import { POLICIES } from "@/lib/ratelimit/policies";
import { rolesWith } from "@/lib/security/permissions";
import { ROUTES, TAGS } from "./registry";
import { errorStatus, type ApiErrorCode, type RouteEntry } from "./route-spec";
import { chatCompletionChunkShape, errorBodyShape, openAIErrorShape } from "./shapes";

/**
 * The OpenAPI 3.1 document of /api/v1, generated from the route registry.
 * Schemas come from zod 4's JSON Schema output (draft 2020-12, the dialect of
 * OpenAPI 3.1): request bodies, params and query as the input side (what a
 * caller sends), responses as the output side (what the route's response
 * schema lets through). A `Date → ISO string` transform, which zod cannot
 * describe on its own, is documented as a date-time string.
 */
export type JsonSchema = Record<string, unknown>;

export interface OpenApiParameter {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface OpenApiResponse {
  description: string;
  headers?: Record<string, { $ref: string }>;
  content?: Record<string, { schema: JsonSchema } & Record<string, unknown>>;
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters: OpenApiParameter[];
  requestBody?: { required: true; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, OpenApiResponse>;
  [extension: `x-${string}`]: unknown;
}

export interface OpenApiDocument {
  openapi: string;
  jsonSchemaDialect: string;
  info: { title: string; version: string; description: string };
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: Record<string, Record<string, unknown>>;
}

type Io = "input" | "output";

/** The output side of `z.date().transform((d) => d.toISOString())` is an ISO 8601 string. */
const isoDates = (io: Io) => (ctx: { zodSchema: z.core.$ZodType; jsonSchema: JsonSchema }) => {
  const def = ctx.zodSchema._zod.def;
  if (io !== "output" || def.type !== "pipe") return;
  const pipe = def as z.core.$ZodPipeDef;
  if (pipe.in._zod.def.type === "date" && pipe.out._zod.def.type === "transform") Object.assign(ctx.jsonSchema, { type: "string", format: "date-time" });
};

export function toJsonSchema(schema: z.ZodType, io: Io): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, target: "draft-2020-12", unrepresentable: "any", override: isoDates(io) });
  return rest;
}

const ref = (kind: "schemas" | "headers", name: string) => ({ $ref: `#/components/${kind}/${name}` });

const PATH_PARAMS: Record<string, string> = {
  orgId: "The organisation's id. An org the caller cannot reach answers 404, like one that does not exist.",
  projectId: "The project's id; an API key reaches its own project only.",
  keyId: "The API key's id (not its secret).",
  memberId: "The membership's id.",
  invitationId: "The invitation's id.",
  providerKeyId: "The vaulted provider key's id (not the key).",
};
const ORG_ID = z.uuid();

function parameters(entry: RouteEntry): OpenApiParameter[] {
  const params = entry.params ? toJsonSchema(entry.params, "input") : {};
  const props = (params.properties ?? {}) as Record<string, JsonSchema>;
  const path = [...entry.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name!);
  const out: OpenApiParameter[] = path.map((name) => ({
    name,
    in: "path",
    required: true,
    description: PATH_PARAMS[name],
    schema: props[name] ?? (name === "orgId" ? toJsonSchema(ORG_ID, "input") : {}),
  }));
  if (entry.query) {
    const query = toJsonSchema(entry.query, "input");
    const required = new Set((query.required ?? []) as string[]);
    for (const [name, schema] of Object.entries((query.properties ?? {}) as Record<string, JsonSchema>)) {
      out.push({ name, in: "query", required: required.has(name), schema });
    }
  }
  for (const header of entry.headers ?? []) {
    out.push({ name: header.name, in: "header", required: header.required, description: header.description, schema: toJsonSchema(header.schema, "input") });
  }
  return out;
}

function limitText(entry: RouteEntry): string {
  if (entry.rateLimit === false) return "Not rate limited.";
  const policy = POLICIES[entry.rateLimit];
  const per = `${policy.limit} per ${policy.windowMs >= 3_600_000 ? "hour" : "minute"}`;
  if (entry.door === "withApiKey") return `Rate limits: ${per} per key by default (a key may carry its own), and ${POLICIES.org.limit} per minute per org.`;
  return `Rate limit: policy \`${entry.rateLimit}\`, ${per} per user or key.`;
}

function accessText(entry: RouteEntry): string {
  const scopes = entry.keyScopes.map((s) => `\`${s}\``).join(" or ");
  switch (entry.door) {
    case "withPublic":
      return "No authentication.";
    case "withUser":
      return "Any signed-in user (session).";
    case "withApiKey":
      return `A project API key with scope ${scopes}.`;
    case "withOrg":
    case "withOrgOrKey": {
      const roles = rolesWith(entry.permission).join(", ");
      const key = entry.door === "withOrgOrKey" ? `, or an API key of this project with scope ${scopes}` : "";
      return `Permission \`${entry.permission}\`: a session of a member with role ${roles}${key}.`;
    }
  }
}

const SUCCESS_HEADERS = { "x-request-id": ref("headers", "RequestId") };
const LIMIT_HEADERS = { "RateLimit-Limit": ref("headers", "RateLimitLimit"), "RateLimit-Remaining": ref("headers", "RateLimitRemaining"), "RateLimit-Reset": ref("headers", "RateLimitReset") };

function successResponse(entry: RouteEntry): OpenApiResponse {
  const headers = { ...SUCCESS_HEADERS, ...(entry.rateLimit === false ? {} : LIMIT_HEADERS) };
  if (entry.download) {
    return { description: entry.download.description, headers, content: Object.fromEntries(entry.download.mediaTypes.map((type) => [type, { schema: { type: "string" } }])) };
  }
  if (entry.status === 204 || !entry.response) return { description: "Done; no content.", headers };
  const content: NonNullable<OpenApiResponse["content"]> = { "application/json": { schema: toJsonSchema(entry.response, "output") } };
  if (entry.stream) {
    content["text/event-stream"] = {
      schema: { type: "string", description: "Server-sent events `data: <JSON>`, each JSON an object of the `x-sse-data` schema, ending with `data: [DONE]`. A failure after the stream began arrives as an event `data: {\"error\": {…}}` before `[DONE]`." },
      "x-sse-data": ref("schemas", "ChatCompletionChunk"),
    };
  }
  const description = entry.stream ? "The completion: JSON, or with `stream: true` an event stream." : "Success.";
  return { description, headers, content };
}

function errorResponses(entry: RouteEntry): Record<string, OpenApiResponse> {
  const byStatus = new Map<number, ApiErrorCode[]>();
  for (const code of entry.errors) byStatus.set(errorStatus(code), [...(byStatus.get(errorStatus(code)) ?? []), code]);
  const sdk = entry.door === "withApiKey";
  const out: Record<string, OpenApiResponse> = {};
  for (const [status, codes] of byStatus) {
    const narrowed = { type: "object", properties: { error: { type: "object", properties: { code: { enum: codes } } } } };
    const schema = { allOf: [ref("schemas", sdk ? "OpenAIError" : "Error"), narrowed] };
    const headers = status === 429 ? { ...SUCCESS_HEADERS, ...LIMIT_HEADERS, "Retry-After": ref("headers", "RetryAfter") } : SUCCESS_HEADERS;
    out[String(status)] = { description: codes.map((c) => `\`${c}\``).join(", "), headers, content: { "application/json": { schema } } };
  }
  if (sdk) {
    out.default = {
      description: "An error the provider answered with: its HTTP status, `type`, `code` and `param`, with the provider key scrubbed from the message (recorded as `upstream_error`).",
      headers: SUCCESS_HEADERS,
      content: { "application/json": { schema: ref("schemas", "OpenAIError") } },
    };
  }
  return out;
}

function operation(entry: RouteEntry): OpenApiOperation {
  const security: Record<string, string[]>[] = entry.auth.map((kind) => ({ [kind]: kind === "apiKey" ? [...entry.keyScopes] : [] }));
  const csrf = entry.auth.includes("session") && entry.method !== "GET" ? " With a session, the request must come from the console's own origin." : "";
  return {
    operationId: entry.operationId,
    summary: entry.summary,
    description: [entry.description, `${accessText(entry)}${csrf}`, limitText(entry)].filter(Boolean).join("\n\n"),
    tags: [...entry.tags],
    security,
    parameters: parameters(entry),
    ...(entry.body ? { requestBody: { required: true as const, content: { "application/json": { schema: toJsonSchema(entry.body, "input") } } } } : {}),
    responses: { [String(entry.status)]: successResponse(entry), ...errorResponses(entry) },
    "x-gatehouse-door": entry.door,
    ...(entry.door === "withOrg" || entry.door === "withOrgOrKey" ? { "x-gatehouse-permission": entry.permission } : {}),
    ...(entry.keyScopes.length ? { "x-gatehouse-key-scopes": [...entry.keyScopes] } : {}),
    "x-gatehouse-rate-limit": entry.rateLimit,
  };
}

const header = (description: string) => ({ description, schema: { type: "string" } });

function components(): OpenApiDocument["components"] {
  return {
    securitySchemes: {
      session: {
        type: "apiKey",
        in: "cookie",
        name: "next-auth.session-token",
        description: "The console session (`__Secure-next-auth.session-token` over HTTPS). Writes must come from the console's own origin.",
      },
      apiKey: {
        type: "http",
        scheme: "bearer",
        bearerFormat: "ghk1_…",
        description: "A project API key, `Authorization: Bearer ghk1_…` (`ghk1_` + 40 base62 characters + a 6-character checksum). Scopes: chat, models, management:read, management:write.",
      },
    },
    schemas: {
      Error: toJsonSchema(errorBodyShape, "output"),
      OpenAIError: toJsonSchema(openAIErrorShape, "output"),
      ChatCompletionChunk: toJsonSchema(chatCompletionChunkShape, "output"),
    },
    headers: {
      RequestId: header("The request's id: the caller's own when it is 8–64 characters of [A-Za-z0-9_-], else one minted here."),
      RateLimitLimit: header("Requests allowed in the window."),
      RateLimitRemaining: header("Requests left in the window."),
      RateLimitReset: header("Seconds until the window resets."),
      RetryAfter: header("Seconds to wait before retrying."),
    },
  };
}

export function buildOpenApiDocument(routes: readonly RouteEntry[] = ROUTES): OpenApiDocument {
  const paths: OpenApiDocument["paths"] = {};
  for (const entry of routes) (paths[entry.path] ??= {})[entry.method.toLowerCase()] = operation(entry);
  return {
    openapi: "3.1.1",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "Gatehouse API",
      version: "1.0.0",
      description:
        "The management API (organisations, projects, members, invitations, API keys, settings, vaulted provider keys, the audit log) and the OpenAI-compatible SDK endpoints. Guide: docs/api.md. Management errors answer `{ error: { code, message, issues?, requestId } }`; SDK errors answer in OpenAI's shape.",
    },
    tags: TAGS.map((tag) => ({ ...tag })),
    paths,
    components: components(),
  };
}

let serialised: string | undefined;

/** The document as JSON text, built once per process. */
export function openApiJson(): string {
  serialised ??= JSON.stringify(buildOpenApiDocument());
  return serialised;
}
