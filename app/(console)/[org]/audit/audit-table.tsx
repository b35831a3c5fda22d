"use client";

import { createColumnHelper } from "@tanstack/react-table";
import { useMemo, useState } from "react";
import type { AuditEventDto } from "@/lib/audit/schemas";
import { DataTable } from "@/components/data-table/data-table";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardFooter, CardHeader } from "@/components/ui/card";
import { EventDrawer } from "./event-drawer";
import { formatInstant } from "./format";

const column = createColumnHelper<AuditEventDto>();
const muted = <span className="text-zinc-400">—</span>;

/**
 * The events, newest first, one page at a time: "Load more events" asks the
 * API for the page after the last cursor, so events written meanwhile never
 * shift or repeat a row already shown. Each event's time opens its details.
 */
export function AuditTable({ orgId, query, initialRows, initialCursor }: { orgId: string; query: string; initialRows: AuditEventDto[]; initialCursor: string | null }) {
  const [rows, setRows] = useState(initialRows);
  const [cursor, setCursor] = useState(initialCursor);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<AuditEventDto | null>(null);

  async function loadMore() {
    if (!cursor) return;
    setLoading(true);
    setError(null);
    try {
      const params = new URLSearchParams(query);
      params.set("cursor", cursor);
      const res = await fetch(`/api/v1/orgs/${orgId}/audit-logs?${params}`, { headers: { accept: "application/json" } });
      const body = (await res.json()) as { data: AuditEventDto[]; nextCursor: string | null } | { error: { message: string } };
      if (!res.ok || "error" in body) throw new Error("error" in body ? body.error.message : `HTTP ${res.status}`);
      setRows((current) => [...current, ...body.data]);
      setCursor(body.nextCursor);
    } catch (cause) {
      setError(cause instanceof Error ? cause.message : "The next events could not be loaded.");
    } finally {
      setLoading(false);
    }
  }

  const columns = useMemo(
    () => [
      column.accessor("createdAt", {
        header: "Time",
        enableSorting: false,
        meta: { className: "whitespace-nowrap" },
        cell: (info) => (
          <button
            type="button"
            onClick={() => setOpen(info.row.original)}
            aria-label={`Details of event #${info.row.original.seq}`}
            className="rounded text-left font-medium text-accent-700 tabular-nums underline-offset-2 hover:underline"
          >
            {formatInstant(info.getValue())}
          </button>
        ),
      }),
      column.accessor("action", { header: "Action", enableSorting: false, cell: (info) => <span className="font-mono text-xs text-zinc-900">{info.getValue()}</span> }),
      column.accessor("actorLabel", {
        header: "Actor",
        enableSorting: false,
        meta: { className: "max-w-56" },
        cell: (info) => (
          <span className="block truncate" title={info.row.original.actorId ?? undefined}>
            {info.getValue() ?? info.row.original.actorId ?? muted}
            <span className="ml-1.5 text-xs text-zinc-400">{info.row.original.actorType.toLowerCase().replace("_", " ")}</span>
          </span>
        ),
      }),
      column.accessor("targetId", {
        header: "Target",
        enableSorting: false,
        meta: { className: "max-w-56" },
        cell: (info) =>
          info.getValue() ? (
            <span className="block truncate font-mono text-xs" title={info.getValue()!}>
              {info.row.original.targetType}:{info.getValue()}
            </span>
          ) : (
            muted
          ),
      }),
      column.accessor("ip", { header: "IP", enableSorting: false, cell: (info) => <span className="font-mono text-xs">{info.getValue() ?? muted}</span> }),
      column.accessor("requestId", { header: "Request ID", enableSorting: false, cell: (info) => <span className="font-mono text-xs">{info.getValue() ?? muted}</span> }),
    ],
    [],
  );

  return (
    <Card aria-labelledby="audit-events-title">
      <CardHeader titleId="audit-events-title" title="Events" description={`${rows.length.toLocaleString("en")} shown${cursor ? ", more below" : ""}. Newest first.`} />
      <DataTable label="Audit events" columns={columns} data={rows} getRowId={(row) => row.id} empty="No events match these filters." />
      {cursor || error ? (
        <CardFooter className="justify-between">
          {error ? <Alert tone="error">{error}</Alert> : <span />}
          {cursor ? (
            <Button onClick={loadMore} pending={loading}>
              Load more events
            </Button>
          ) : null}
        </CardFooter>
      ) : null}
      <EventDrawer event={open} onClose={() => setOpen(null)} />
    </Card>
  );
}
