"use client";

import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { cx } from "@/components/ui/cx";

export interface BarSeries {
  key: string;
  label: string;
  /** SVG fill class of the bars, e.g. "fill-accent-500". */
  fill: string;
  /** Background class of the legend swatch, e.g. "bg-accent-500". */
  swatch: string;
}

export interface BarDatum {
  key: string;
  /** Short axis label, e.g. "23 Nov". */
  label: string;
  values: Record<string, number>;
}

interface StackedBarChartProps {
  title: string;
  /** A one-sentence summary of the whole chart, for assistive technology. */
  summary: string;
  /** Stacked bottom-up in this order. */
  series: BarSeries[];
  data: BarDatum[];
  /** The readout of one bar: "23 Nov: 340 requests, 12 errors". */
  describe: (datum: BarDatum) => string;
}

/** Drawing width before the real one is measured (server render); the height is fixed. */
const DEFAULT_W = 640;
const H = 200;
const PAD = { top: 10, right: 4, bottom: 22, left: 40 };
const TICKS = 4;
const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });

/** A whole step of 1, 2 or 5 × 10ⁿ so that TICKS steps cover `max`. */
function niceStep(max: number): number {
  const raw = max / TICKS;
  if (raw <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const f = raw / magnitude;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * magnitude;
}

/**
 * Stacked bars over categories (days), drawn as plain SVG. The picture has a
 * title and summary; the numbers are read out on hover, with the arrow keys
 * once the chart has focus, and in a table for screen readers.
 */
export function StackedBarChart({ title, summary, series, data, describe }: StackedBarChartProps) {
  const id = useId();
  const [active, setActive] = useState<number | null>(null);
  const [W, setW] = useState(DEFAULT_W);
  const boxRef = useRef<HTMLDivElement>(null);

  // Draw at the rendered width, so that labels keep their size instead of scaling with the chart.
  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    const observer = new ResizeObserver(([entry]) => {
      const width = Math.round(entry?.contentRect.width ?? 0);
      if (width > 0) setW(width);
    });
    observer.observe(box);
    return () => observer.disconnect();
  }, []);

  const totals = data.map((d) => series.reduce((sum, s) => sum + (d.values[s.key] ?? 0), 0));
  const step = niceStep(Math.max(0, ...totals));
  const top = step * TICKS;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const band = plotW / Math.max(1, data.length);
  const barW = Math.min(36, Math.max(2, band * 0.62));
  const y = (value: number) => PAD.top + plotH - (value / top) * plotH;
  // A day label needs about 44px; on narrow charts every n-th day is labelled.
  const labelEvery = Math.max(1, Math.ceil(44 / band));
  const activeDatum = active === null ? undefined : data[active];

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const last = data.length - 1;
    const moves: Record<string, number> = { ArrowLeft: (active ?? last + 1) - 1, ArrowRight: (active ?? -1) + 1, Home: 0, End: last };
    if (!(event.key in moves)) return;
    event.preventDefault();
    setActive(Math.min(last, Math.max(0, moves[event.key]!)));
  }

  return (
    <figure className="space-y-2">
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <figcaption id={`${id}-caption`} className="text-[0.8125rem] font-medium text-zinc-800">
          {title}
        </figcaption>
        <ul className="flex gap-3 text-xs text-zinc-600" aria-label="Legend">
          {[...series].reverse().map((s) => (
            <li key={s.key} className="inline-flex items-center gap-1.5">
              <span aria-hidden="true" className={cx("size-2.5 rounded-sm", s.swatch)} />
              {s.label}
            </li>
          ))}
        </ul>
      </div>
      <p aria-live="polite" className="h-5 text-xs text-zinc-600 tabular-nums">
        {activeDatum ? describe(activeDatum) : <span className="text-zinc-400">Hover over a bar, or focus the chart and use the arrow keys, for that day&apos;s numbers.</span>}
      </p>
      <div
        ref={boxRef}
        role="group"
        tabIndex={0}
        aria-labelledby={`${id}-caption`}
        aria-describedby={`${id}-keys`}
        onKeyDown={onKeyDown}
        onFocus={() => setActive((current) => current ?? data.length - 1)}
        onBlur={() => setActive(null)}
        onMouseLeave={() => setActive(null)}
        className="rounded-md"
      >
        <span id={`${id}-keys`} className="sr-only">
          Use the left and right arrow keys to read each day.
        </span>
        <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} className="block h-auto max-w-full" role="img" aria-labelledby={`${id}-title ${id}-desc`}>
          <title id={`${id}-title`}>{title}</title>
          <desc id={`${id}-desc`}>{summary}</desc>
          {Array.from({ length: TICKS + 1 }, (_, i) => {
            const value = step * i;
            return (
              <g key={value}>
                <line x1={PAD.left} x2={W - PAD.right} y1={y(value)} y2={y(value)} className={i === 0 ? "stroke-zinc-300" : "stroke-zinc-100"} />
                <text x={PAD.left - 6} y={y(value)} dy="0.32em" textAnchor="end" className="fill-zinc-500 text-[10px] tabular-nums">
                  {compact.format(value)}
                </text>
              </g>
            );
          })}
          {data.map((d, i) => {
            const x = PAD.left + i * band;
            let base = 0;
            return (
              <g key={d.key} onMouseEnter={() => setActive(i)}>
                <rect x={x} y={PAD.top} width={band} height={plotH} className={active === i ? "fill-zinc-100" : "fill-transparent"} />
                {series.map((s) => {
                  const value = d.values[s.key] ?? 0;
                  if (value <= 0) return null;
                  const y0 = y(base);
                  base += value;
                  return <rect key={s.key} x={x + (band - barW) / 2} y={y(base)} width={barW} height={Math.max(1, y0 - y(base))} className={s.fill} />;
                })}
                {(data.length - 1 - i) % labelEvery === 0 ? (
                  <text x={x + band / 2} y={H - 6} textAnchor="middle" className={cx("text-[10px]", active === i ? "fill-zinc-900" : "fill-zinc-500")}>
                    {d.label}
                  </text>
                ) : null}
              </g>
            );
          })}
        </svg>
      </div>
      <table className="sr-only">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            {series.map((s) => (
              <th key={s.key} scope="col">
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data.map((d) => (
            <tr key={d.key}>
              <th scope="row">{d.label}</th>
              {series.map((s) => (
                <td key={s.key}>{d.values[s.key] ?? 0}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
