import { auditExportQuery, auditListQuery, auditPageDto, chainVerdictDto } from "@/lib/audit/schemas";
import { defineRoute, type RouteEntry } from "./route-spec";

const PATH = "/api/v1/orgs/{orgId}/audit-logs";

/** The audit log routes of the registry: reading, verifying and exporting an org's hash chain. */
export const AUDIT_ROUTES: readonly RouteEntry[] = [
  defineRoute({
    method: "GET",
    path: PATH,
    operationId: "listAuditEvents",
    summary: "List audit events",
    description:
      "Newest first, by keyset: pass `nextCursor` back as `cursor` for older events. Pages are stable while events are written: a new event never shifts or repeats one already paged past. There is no total count.",
    tags: ["Audit log"],
    door: "withOrg",
    permission: "audit.read",
    query: auditListQuery,
    response: auditPageDto,
  }),
  defineRoute({
    method: "GET",
    path: `${PATH}/verify`,
    operationId: "verifyAuditChain",
    summary: "Verify the audit hash chain",
    description:
      "Walks the org's chain in order and reports the first broken link: a missing sequence number (`sequence_gap`), an event whose `prevHash` is not its predecessor's hash (`link_mismatch`), or an event whose hash is not the hash of its fields (`hash_mismatch`). Takes time in proportion to the log.",
    tags: ["Audit log"],
    door: "withOrg",
    permission: "audit.read",
    response: chainVerdictDto,
  }),
  defineRoute({
    method: "GET",
    path: `${PATH}/export`,
    operationId: "exportAuditEvents",
    summary: "Export audit events",
    description:
      "The events matching the filters, oldest first, up to the last one written when the export began, streamed as a download (`Content-Disposition: attachment`). `X-Export-Estimate` gives the approximate number of events when it is cheap to know (no filter but dates). CSV cells that start with `=`, `+`, `-`, `@`, a tab or a carriage return are prefixed with `'`; JSON Lines carries every value unchanged. The export is itself recorded as `audit.exported`, with its filters. Needs an MFA check within the last 10 minutes in this session (step-up): otherwise `mfa_step_up_required`.",
    tags: ["Audit log"],
    door: "withOrg",
    permission: "audit.export",
    query: auditExportQuery,
    errors: ["mfa_step_up_required"],
    download: {
      mediaTypes: ["text/csv", "application/x-ndjson"],
      description:
        "CSV (RFC 4180, CRLF, a header row: seq, id, created_at, action, actor_type, actor_id, actor_label, target_type, target_id, org_id, project_id, ip, user_agent, request_id, metadata as JSON, prev_hash, hash), or one JSON object per line with the same fields in camelCase.",
    },
  }),
];
