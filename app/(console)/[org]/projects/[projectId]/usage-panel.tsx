import type { UsageDay, UsageSummary } from "@/lib/usage/stats";
import { formatDate } from "@/components/format";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { UsageChart } from "./usage-chart";

const integer = new Intl.NumberFormat("en");
const percent = new Intl.NumberFormat("en", { style: "percent", maximumFractionDigits: 1 });

function Stat({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <div className="space-y-0.5">
      <dt className="text-xs text-zinc-500">{label}</dt>
      <dd className="text-lg font-semibold tracking-tight text-zinc-900 tabular-nums">{value}</dd>
      {detail ? <dd className="text-xs text-zinc-500">{detail}</dd> : null}
    </div>
  );
}

/** Requests and errors per day over the range, with totals, error rate, median latency and tokens. */
export function UsagePanel({ days, summary }: { days: UsageDay[]; summary: UsageSummary }) {
  const first = days[0];
  const last = days.at(-1);
  const range = first && last ? `${formatDate(`${first.day}T00:00:00Z`)} – ${formatDate(`${last.day}T00:00:00Z`)} (UTC)` : "";
  return (
    <Card aria-labelledby="usage-title">
      <CardHeader titleId="usage-title" title="Usage" description={`Gateway requests made with this project's keys, last ${days.length} days: ${range}.`} />
      <CardBody className="space-y-5">
        <dl className="grid grid-cols-2 gap-x-6 gap-y-4 sm:grid-cols-4">
          <Stat label="Requests" value={integer.format(summary.requests)} />
          <Stat
            label="Error rate"
            value={summary.requests === 0 ? "—" : percent.format(summary.errorRate)}
            detail={`${integer.format(summary.errors)} with status 400 or above`}
          />
          <Stat label="Median latency" value={summary.p50LatencyMs === null ? "—" : `${integer.format(summary.p50LatencyMs)} ms`} detail="p50, through the gateway" />
          <Stat
            label="Tokens"
            value={integer.format(summary.promptTokens + summary.completionTokens)}
            detail={`${integer.format(summary.promptTokens)} prompt, ${integer.format(summary.completionTokens)} completion`}
          />
        </dl>
        <UsageChart days={days} />
        {summary.requests === 0 ? <p className="text-[0.8125rem] text-zinc-500">No requests in this period. Usage appears here within seconds of a key&apos;s first call.</p> : null}
      </CardBody>
    </Card>
  );
}
