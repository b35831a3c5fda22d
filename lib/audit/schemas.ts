import { z } from "zod";
import { ACTOR_TYPES, AUDIT_ACTIONS } from "./actions";

/**
 * What the audit log viewer and export accept, and what they answer. Every
 * filter maps onto an index of `audit_logs` (see query.ts); a filter with no
 * index behind it (a target type alone, an actor label) is not offered.
 */
export const AUDIT_PAGE_SIZE = 50;
export const AUDIT_PAGE_MAX = 100;
export const EXPORT_FORMATS = ["csv", "jsonl"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A UTC day (`2025-11-23`) or an ISO 8601 instant; a bare day as `to` includes that whole day. */
const bound = (edge: "from" | "to") =>
  z
    .union([z.iso.date(), z.iso.datetime({ offset: true })], { message: "Use a date (2025-11-23) or an ISO 8601 time" })
    .transform((value) => {
      const day = DAY.test(value);
      const date = new Date(day ? `${value}T00:00:00.000Z` : value);
      if (day && edge === "to") date.setUTCDate(date.getUTCDate() + 1);
      return date;
    });

/** `org.created,member.invited`: one or several actions, comma-separated. */
const actionList = z
  .string()
  .max(2000)
  .transform((value) => [...new Set(value.split(",").map((a) => a.trim()).filter(Boolean))])
  .pipe(z.array(z.enum(AUDIT_ACTIONS, { message: "Unknown audit action" })).min(1, "Choose at least one action"));

/** The last seq of a page, base64url-encoded: clients pass it back and never read it. */
export function encodeCursor(seq: bigint | string): string {
  return Buffer.from(`s${seq}`).toString("base64url");
}

const cursor = z
  .string()
  .max(40)
  .transform((value, ctx) => {
    const decoded = /^[A-Za-z0-9_-]+$/.test(value) ? Buffer.from(value, "base64url").toString("latin1") : "";
    const match = /^s([1-9]\d{0,18})$/.exec(decoded);
    if (!match) {
      ctx.issues.push({ code: "custom", message: "Not a cursor this API issued", input: value });
      return z.NEVER;
    }
    return BigInt(match[1]!);
  });

const filterFields = {
  action: actionList.optional().describe("One or several actions, comma-separated."),
  actorId: z.string().trim().min(1).max(200).optional().describe("The actor's id, exactly: a user id, an API key id."),
  actorEmail: z.string().trim().toLowerCase().max(254).pipe(z.email("Enter a valid email address")).optional().describe("A user's email: their events, by user id."),
  targetId: z.string().trim().min(1).max(200).optional().describe("The target's id, exactly."),
  targetType: z.string().trim().min(1).max(100).optional().describe("Narrows `targetId` to one type (project, user, invitation, …); only with `targetId`."),
  from: bound("from").optional().describe("Events at or after: a UTC day or an ISO 8601 time."),
  to: bound("to").optional().describe("Events before: an ISO 8601 time, or a UTC day (that day included)."),
};

interface FilterShape {
  targetType?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
}

function checkFilters(value: FilterShape, ctx: z.RefinementCtx) {
  if (value.targetType && !value.targetId) ctx.addIssue({ code: "custom", path: ["targetType"], message: "Filter by target type together with a target id" });
  if (value.from && value.to && value.from >= value.to) ctx.addIssue({ code: "custom", path: ["to"], message: "Must be after the start of the range" });
}

export const auditFilterQuery = z.object(filterFields).superRefine(checkFilters);
export type AuditFilters = z.output<typeof auditFilterQuery>;

export const auditListQuery = z
  .object({
    ...filterFields,
    cursor: cursor.optional().describe("`nextCursor` of the previous page."),
    limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).default(AUDIT_PAGE_SIZE).describe(`Events per page, at most ${AUDIT_PAGE_MAX}.`),
  })
  .superRefine(checkFilters);

export const auditExportQuery = z
  .object({ ...filterFields, format: z.enum(EXPORT_FORMATS).default("csv").describe("`csv` (RFC 4180, with a header row) or `jsonl` (one JSON object per line).") })
  .superRefine(checkFilters);

export const auditEventDto = z.object({
  id: z.uuid(),
  /** A 64-bit counter: a string, so no client loses precision. */
  seq: z.string().regex(/^\d+$/),
  createdAt: z.date().transform((d) => d.toISOString()),
  action: z.string(),
  actorType: z.enum(ACTOR_TYPES),
  actorId: z.string().nullable(),
  actorLabel: z.string().nullable(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  projectId: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  requestId: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEventDto = z.output<typeof auditEventDto>;

export const auditPageDto = z.object({
  data: z.array(auditEventDto),
  nextCursor: z.string().nullable().describe("Pass as `cursor` for the next (older) page; null on the last page."),
});

export const chainVerdictDto = z.union([
  z.object({
    ok: z.literal(true),
    events: z.number().int(),
    lastSeq: z.string().nullable(),
    checkpointSeq: z.string().optional().describe("The walk began after this signed checkpoint: older events were removed by retention."),
  }),
  z.object({
    ok: z.literal(false),
    events: z.number().int().describe("Events verified before the break."),
    brokenAtSeq: z.string(),
    eventId: z.string().nullable(),
    reason: z.string().describe("`sequence_gap`, `link_mismatch`, `hash_mismatch`, …"),
  }),
]);
export type ChainVerdictDto = z.output<typeof chainVerdictDto>;
