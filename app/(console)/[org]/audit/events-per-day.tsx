import { auditEventsPerDay } from "@/lib/audit/query";
import type { AuditFilters } from "@/lib/audit/schemas";
import type { OrgId } from "@/lib/security/context";
import { EventsChart } from "./events-chart";

/** Counts per day over the filters' date range (or the last 30 days), streamed in after the table. */
export async function EventsPerDay({ orgId, filters }: { orgId: OrgId; filters: AuditFilters }) {
  const { days, clipped } = await auditEventsPerDay(orgId, filters);
  return (
    <div className="space-y-2">
      <EventsChart days={days} />
      {clipped ? <p className="text-xs text-zinc-500">The range is longer than a year: the chart shows its last 366 days.</p> : null}
    </div>
  );
}
