/**
 * PATCH bodies as identity providers really send them, brought to RFC 7644
 * §3.5.2 before scimmy applies them:
 *
 * - Entra ID capitalises operations ("Replace", "Add", "Remove") and sends
 *   booleans as strings ("False", "True"), at a path (`path: "active"`) or
 *   inside a path-less value object (`value: { active: "False" }`);
 * - Okta sends path-less replaces whose value carries the resource's own
 *   `id` (`{ op: "replace", value: { id, displayName } }`), which is read-only;
 * - some clients leave out the message's `schemas`.
 *
 * Anything else passes through unchanged for scimmy to validate.
 */
export const PATCH_OP_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/** Attributes of the User and Group schemas that hold booleans. */
const BOOLEAN_ATTRIBUTES = new Set(["active", "primary"]);
/** Never set by a client: dropped from path-less value objects. */
const READ_ONLY = new Set(["id", "meta", "schemas"]);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function toBoolean(value: unknown): unknown {
  if (typeof value === "string" && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === "true";
  return value;
}

/** The attribute a path ends at: `emails[type eq "work"].primary` → `primary`, `urn:…:User:active` → `active`. */
function lastAttribute(path: string): string {
  const withoutFilters = path.replace(/\[[^\]]*\]/g, "");
  const afterUrn = withoutFilters.slice(withoutFilters.lastIndexOf(":") + 1);
  return (afterUrn.split(".").pop() ?? "").toLowerCase();
}

/** Booleans-as-strings made booleans wherever a boolean attribute holds them, at any depth. */
function fixValue(value: unknown, attribute: string | null): unknown {
  if (Array.isArray(value)) return value.map((item) => fixValue(item, attribute));
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, fixValue(inner, lastAttribute(key))]));
  }
  return attribute !== null && BOOLEAN_ATTRIBUTES.has(attribute) ? toBoolean(value) : value;
}

function normaliseOperation(operation: unknown): unknown {
  if (!isObject(operation)) return operation;
  const out: Record<string, unknown> = { ...operation };
  if (typeof out.op === "string") out.op = out.op.trim().toLowerCase();
  const path = typeof out.path === "string" && out.path.trim() !== "" ? out.path.trim() : undefined;
  if (path === undefined) delete out.path;
  else out.path = path;
  if ("value" in out) {
    let value = fixValue(out.value, path === undefined ? null : lastAttribute(path));
    if (path === undefined && isObject(value)) value = Object.fromEntries(Object.entries(value).filter(([key]) => !READ_ONLY.has(key)));
    out.value = value;
  }
  return out;
}

/** A PatchOp message in the shape scimmy expects; not-objects pass through for scimmy to refuse. */
export function normalisePatch(body: unknown): unknown {
  if (!isObject(body)) return body;
  const operations = body.Operations ?? body.operations;
  return {
    ...body,
    schemas: Array.isArray(body.schemas) && body.schemas.length > 0 ? body.schemas : [PATCH_OP_SCHEMA],
    Operations: Array.isArray(operations) ? operations.map(normaliseOperation) : operations,
  };
}
