import { startAuditExport } from "@/lib/audit/export";
import { auditExportQuery } from "@/lib/audit/schemas";
import { withOrg } from "@/lib/security/route";

/**
 * The filtered log as a download, streamed as it is read. `X-Export-Estimate`
 * (when known) is about how many events will follow, for a progress bar.
 */
export const GET = withOrg({ permission: "audit.export", query: auditExportQuery }, async (ctx, { query }) => {
  const { format, ...filters } = query;
  const file = await startAuditExport(ctx, filters, format);
  const headers = new Headers({
    "Content-Type": file.contentType,
    "Content-Disposition": `attachment; filename="${file.filename}"`,
  });
  if (file.estimate !== null) headers.set("X-Export-Estimate", String(file.estimate));
  return new Response(file.body, { headers });
});
