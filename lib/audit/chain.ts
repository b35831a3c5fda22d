import { createHash } from "node:crypto";

/** Events outside any org (failed sign-ins for unknown emails, platform jobs). */
export const PLATFORM_CHAIN = "platform";
export const GENESIS_HASH = "0".repeat(64);

/** The fields covered by an event's hash, in the form they are stored. */
export interface ChainedFields {
  chain: string;
  seq: bigint;
  orgId: string | null;
  projectId: string | null;
  action: string;
  actorType: string;
  actorId: string | null;
  actorLabel: string | null;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  metadata: unknown;
  createdAt: Date;
  prevHash: string;
}

/** JSON with object keys sorted at every depth: one byte string per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

export function hashEvent(fields: ChainedFields): string {
  const canonical = canonicalJson({
    ...fields,
    seq: fields.seq.toString(),
    createdAt: fields.createdAt.toISOString(),
  });
  return createHash("sha256").update(canonical).digest("hex");
}
