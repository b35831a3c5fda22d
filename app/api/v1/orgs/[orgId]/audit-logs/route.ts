import { listAuditEvents } from "@/lib/audit/query";
import { auditListQuery, auditPageDto, encodeCursor } from "@/lib/audit/schemas";
import { withOrg } from "@/lib/security/route";

export const GET = withOrg({ permission: "audit.read", query: auditListQuery, response: auditPageDto }, async (ctx, { query }) => {
  const { cursor, limit, ...filters } = query;
  const page = await listAuditEvents(ctx.orgId, filters, { cursor, limit });
  return { data: page.rows, nextCursor: page.nextSeq === null ? null : encodeCursor(page.nextSeq) };
});
