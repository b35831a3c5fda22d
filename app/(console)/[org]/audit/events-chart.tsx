"use client";

import { StackedBarChart, type BarDatum } from "@/components/charts/bar-chart";
import { formatDate } from "@/components/format";

const SERIES = [{ key: "events", label: "Events", fill: "fill-accent-500", swatch: "bg-accent-500" }];
const integer = new Intl.NumberFormat("en");
const count = (n: number) => `${integer.format(n)} ${n === 1 ? "event" : "events"}`;
const dayOf = (day: string) => formatDate(`${day}T00:00:00Z`);

/** Audit events per UTC day. */
export function EventsChart({ days }: { days: { day: string; events: number }[] }) {
  const data: BarDatum[] = days.map((d) => ({ key: d.day, label: dayOf(d.day).replace(/ \d{4}$/, ""), values: { events: d.events } }));
  const total = days.reduce((sum, d) => sum + d.events, 0);
  const busiest = days.reduce<(typeof days)[number] | undefined>((best, d) => (!best || d.events > best.events ? d : best), undefined);
  const span = days.length ? `${dayOf(days[0]!.day)} – ${dayOf(days.at(-1)!.day)}` : "no days";
  const summary =
    total === 0 || !busiest
      ? `No events from ${span} (UTC).`
      : `${count(total)} from ${span} (UTC); the busiest day was ${dayOf(busiest.day)} with ${count(busiest.events)}.`;
  return <StackedBarChart title="Events per day (UTC)" summary={summary} series={SERIES} data={data} describe={(d) => `${dayOf(d.key)}: ${count(d.values.events ?? 0)}`} />;
}
