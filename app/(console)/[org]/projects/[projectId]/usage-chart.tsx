"use client";

import type { UsageDay } from "@/lib/usage/stats";
import { StackedBarChart, type BarDatum } from "@/components/charts/bar-chart";
import { formatDate } from "@/components/format";

const SERIES = [
  { key: "errors", label: "Errors", fill: "fill-red-500", swatch: "bg-red-500" },
  { key: "ok", label: "Successful", fill: "fill-accent-500", swatch: "bg-accent-500" },
];

const integer = new Intl.NumberFormat("en");
const plural = (n: number, one: string, many: string) => `${integer.format(n)} ${n === 1 ? one : many}`;

/** Requests per day, stacked as successful + errors, so a bar's height is the day's request count. */
export function UsageChart({ days }: { days: UsageDay[] }) {
  const data: BarDatum[] = days.map((d) => ({
    key: d.day,
    label: formatDate(`${d.day}T00:00:00Z`).replace(/ \d{4}$/, ""),
    values: { ok: d.requests - d.errors, errors: d.errors },
  }));
  const requests = days.reduce((sum, d) => sum + d.requests, 0);
  const errors = days.reduce((sum, d) => sum + d.errors, 0);
  const busiest = days.reduce<UsageDay | undefined>((best, d) => (!best || d.requests > best.requests ? d : best), undefined);
  const summary =
    requests === 0
      ? `No requests in the last ${days.length} days.`
      : `${plural(requests, "request", "requests")} and ${plural(errors, "error", "errors")} over ${days.length} days; the busiest day was ${formatDate(`${busiest!.day}T00:00:00Z`)} with ${plural(busiest!.requests, "request", "requests")}.`;

  return (
    <StackedBarChart
      title="Requests and errors per day"
      summary={summary}
      series={SERIES}
      data={data}
      describe={(datum) => {
        const ok = datum.values.ok ?? 0;
        const failed = datum.values.errors ?? 0;
        return `${formatDate(`${datum.key}T00:00:00Z`)}: ${plural(ok + failed, "request", "requests")}, ${plural(failed, "error", "errors")}`;
      }}
    />
  );
}
