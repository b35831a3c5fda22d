import type { Metadata } from "next";
import { Suspense } from "react";
import { listAuditEvents } from "@/lib/audit/query";
import { AUDIT_PAGE_SIZE, auditEventDto, encodeCursor } from "@/lib/audit/schemas";
import { orgPage } from "@/lib/security/page";
import { PageHeader } from "@/components/shell/page-header";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { AuditFiltersForm } from "./audit-filters";
import { AuditTable } from "./audit-table";
import { ChainBadge } from "./chain-badge";
import { EventsPerDay } from "./events-per-day";
import { ExportMenu } from "./export-menu";
import { parseFilterParams } from "./search-params";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({ params, searchParams }: { params: Promise<{ org: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { org } = await params;
  const ctx = await orgPage(org, "audit.read");
  const parsed = parseFilterParams(await searchParams);
  const page = parsed.ok ? await listAuditEvents(ctx.orgId, parsed.filters, { limit: AUDIT_PAGE_SIZE }) : { rows: [], nextSeq: null };
  const query = parsed.ok ? new URLSearchParams(parsed.apiQuery).toString() : "";

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Who did what in this organisation, newest first. Each event is sealed into a hash chain with the one before it, so a removed or altered event shows."
        actions={
          <>
            <ChainBadge orgId={ctx.orgId} />
            {ctx.permissions.has("audit.export") && parsed.ok ? <ExportMenu orgId={ctx.orgId} query={query} /> : null}
          </>
        }
      />
      <div className="space-y-6">
        <Card aria-labelledby="audit-filters-title">
          <CardHeader titleId="audit-filters-title" title="Filters" description="Every filter narrows the events below, the chart and the export." />
          <CardBody>
            <AuditFiltersForm orgSlug={ctx.orgSlug} values={parsed.values} errors={parsed.ok ? {} : parsed.errors} />
          </CardBody>
        </Card>
        {parsed.ok ? (
          <>
            <Card aria-labelledby="audit-chart-title">
              <CardHeader titleId="audit-chart-title" title="Activity" />
              <CardBody>
                <Suspense key={query} fallback={<p className="h-64 text-[0.8125rem] text-zinc-500">Counting events per day…</p>}>
                  <EventsPerDay orgId={ctx.orgId} filters={parsed.filters} />
                </Suspense>
              </CardBody>
            </Card>
            <AuditTable key={query} orgId={ctx.orgId} query={query} initialRows={page.rows.map((row) => auditEventDto.parse(row))} initialCursor={page.nextSeq === null ? null : encodeCursor(page.nextSeq)} />
          </>
        ) : null}
      </div>
    </>
  );
}
