"use client";

import { useEffect, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { MfaLink } from "@/components/forms/mfa-link";
import { formatBytes } from "./format";
import { rowCounter } from "./row-counter";

const FORMATS = [
  { format: "csv", label: "CSV" },
  { format: "jsonl", label: "JSON Lines" },
] as const;
type Format = (typeof FORMATS)[number]["format"];

type State =
  | { kind: "idle" }
  | { kind: "running"; format: Format; rows: number; bytes: number; estimate: number | null }
  | { kind: "done"; rows: number; bytes: number; filename: string }
  | { kind: "failed"; message: string; needsMfa?: boolean };

const integer = new Intl.NumberFormat("en");

function filenameOf(disposition: string | null, format: Format): string {
  return /filename="([^"]+)"/.exec(disposition ?? "")?.[1] ?? `audit-log.${format}`;
}

/**
 * Export the filtered log: the download is read as a stream, so the progress
 * (events and bytes received, a bar when the server sent an estimate) moves
 * while it arrives, then it is saved from memory under the server's filename.
 */
export function ExportMenu({ orgId, query }: { orgId: string; query: string }) {
  const [open, setOpen] = useState(false);
  const [state, setState] = useState<State>({ kind: "idle" });
  const abort = useRef<AbortController | null>(null);

  useEffect(() => () => abort.current?.abort(), []);

  async function run(format: Format) {
    setOpen(false);
    const controller = new AbortController();
    abort.current = controller;
    setState({ kind: "running", format, rows: 0, bytes: 0, estimate: null });
    try {
      const params = new URLSearchParams(query);
      params.set("format", format);
      const res = await fetch(`/api/v1/orgs/${orgId}/audit-logs/export?${params}`, { signal: controller.signal });
      if (!res.ok || !res.body) {
        const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
        if (body?.error?.code === "mfa_step_up_required") {
          setState({ kind: "failed", message: body.error.message ?? "A recent two-factor check is needed.", needsMfa: true });
          return;
        }
        throw new Error(body?.error?.message ?? `The export failed (HTTP ${res.status}).`);
      }
      const estimateHeader = res.headers.get("x-export-estimate");
      const estimate = estimateHeader === null ? null : Number(estimateHeader);
      const count = rowCounter(format);
      const parts: Uint8Array<ArrayBuffer>[] = [];
      let bytes = 0;
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        bytes += value.byteLength;
        setState({ kind: "running", format, rows: count(value), bytes, estimate });
      }
      const filename = filenameOf(res.headers.get("content-disposition"), format);
      const url = URL.createObjectURL(new Blob(parts, { type: res.headers.get("content-type") ?? "application/octet-stream" }));
      const link = Object.assign(document.createElement("a"), { href: url, download: filename });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setState({ kind: "done", rows: count(new Uint8Array()), bytes, filename });
    } catch (cause) {
      if (controller.signal.aborted) setState({ kind: "idle" });
      else setState({ kind: "failed", message: cause instanceof Error ? cause.message : "The export failed." });
    } finally {
      abort.current = null;
    }
  }

  const running = state.kind === "running" ? state : null;
  return (
    <div className="relative">
      <Button aria-expanded={open} aria-controls="audit-export-formats" onClick={() => setOpen((o) => !o)} pending={running !== null}>
        Export
      </Button>
      {open ? (
        <div id="audit-export-formats" role="group" aria-label="Export format" className="absolute right-0 z-10 mt-1 flex w-44 flex-col rounded-md border border-zinc-200 bg-white p-1 shadow-lg">
          {FORMATS.map(({ format, label }) => (
            <Button key={format} variant="ghost" size="sm" className="justify-start" aria-label={`Export as ${label}`} onClick={() => void run(format)}>
              {label}
            </Button>
          ))}
        </div>
      ) : null}
      <div role="status" aria-label="Export progress" className="absolute right-0 z-10 mt-1 w-80 empty:hidden">
        {running ? (
          <div className="space-y-2 rounded-md border border-zinc-200 bg-white p-3 text-[0.8125rem] shadow-lg">
            <p className="text-zinc-700 tabular-nums">
              Exporting {integer.format(running.rows)}
              {running.estimate !== null ? ` of about ${integer.format(running.estimate)}` : ""} events · {formatBytes(running.bytes)}
            </p>
            {running.estimate ? <progress className="h-2 w-full accent-accent-600" max={running.estimate} value={Math.min(running.rows, running.estimate)} aria-label="Export progress bar" /> : null}
            <Button size="sm" variant="ghost" onClick={() => abort.current?.abort()}>
              Cancel export
            </Button>
          </div>
        ) : state.kind === "done" ? (
          <Alert tone="success" className="shadow-lg">
            Exported {integer.format(state.rows)} events ({formatBytes(state.bytes)}) to {state.filename}.
          </Alert>
        ) : state.kind === "failed" ? (
          <Alert tone="error" className="shadow-lg">
            {state.message}
            {state.needsMfa ? (
              <>
                {" "}
                <MfaLink />
              </>
            ) : null}
          </Alert>
        ) : null}
      </div>
    </div>
  );
}
