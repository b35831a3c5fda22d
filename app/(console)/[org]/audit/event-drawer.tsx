"use client";

import { useEffect, useId, useRef, type ReactNode } from "react";
import type { AuditEventDto } from "@/lib/audit/schemas";
import { Button } from "@/components/ui/button";
import { formatInstant } from "./format";

function Item({ label, children, mono = false }: { label: string; children: ReactNode; mono?: boolean }) {
  return (
    <div className="grid grid-cols-[7.5rem_1fr] gap-3 py-2">
      <dt className="text-zinc-500">{label}</dt>
      <dd className={mono ? "font-mono text-xs break-all text-zinc-900" : "break-words text-zinc-900"}>{children ?? <span className="text-zinc-400">—</span>}</dd>
    </div>
  );
}

/**
 * One event in full, in a panel at the side: a native modal <dialog>, so the
 * browser traps focus, closes it on Escape and returns focus to the row.
 */
export function EventDrawer({ event, onClose }: { event: AuditEventDto | null; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (event && !dialog.open) dialog.showModal();
    if (!event && dialog.open) dialog.close();
  }, [event]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={() => {
        if (!ref.current?.open) onClose();
      }}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      className="fixed inset-y-0 right-0 left-auto m-0 h-dvh max-h-none w-[min(36rem,100vw)] max-w-none border-l border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-950/30"
    >
      {event ? (
        <div className="flex h-full flex-col">
          <div className="flex items-start justify-between gap-3 border-b border-zinc-100 px-5 py-4">
            <div className="min-w-0 space-y-0.5">
              <h2 id={titleId} className="text-base font-semibold">
                Event #{event.seq}
              </h2>
              <p className="font-mono text-xs text-zinc-600">{event.action}</p>
            </div>
            <Button variant="ghost" size="sm" onClick={onClose}>
              Close
            </Button>
          </div>
          <div className="flex-1 space-y-5 overflow-y-auto px-5 py-4 text-[0.8125rem]">
            <dl className="divide-y divide-zinc-100">
              <Item label="Time">{formatInstant(event.createdAt)}</Item>
              <Item label="Actor">
                {event.actorLabel}
                <span className="ml-1.5 text-xs text-zinc-500">({event.actorType})</span>
              </Item>
              <Item label="Actor ID" mono>
                {event.actorId}
              </Item>
              <Item label="Target">{event.targetType}</Item>
              <Item label="Target ID" mono>
                {event.targetId}
              </Item>
              <Item label="Project ID" mono>
                {event.projectId}
              </Item>
              <Item label="IP address" mono>
                {event.ip}
              </Item>
              <Item label="User agent">{event.userAgent}</Item>
              <Item label="Request ID" mono>
                {event.requestId}
              </Item>
              <Item label="Event ID" mono>
                {event.id}
              </Item>
            </dl>
            <section aria-labelledby={`${titleId}-metadata`} className="space-y-1.5">
              <h3 id={`${titleId}-metadata`} className="text-xs font-medium tracking-wide text-zinc-500 uppercase">
                Metadata
              </h3>
              <pre className="max-h-80 overflow-auto rounded-md bg-zinc-50 p-3 font-mono text-xs text-zinc-800 ring-1 ring-zinc-200 ring-inset">
                {JSON.stringify(event.metadata, null, 2)}
              </pre>
            </section>
            <section aria-labelledby={`${titleId}-chain`} className="space-y-1.5">
              <h3 id={`${titleId}-chain`} className="text-xs font-medium tracking-wide text-zinc-500 uppercase">
                Hash chain
              </h3>
              <dl className="divide-y divide-zinc-100">
                <Item label="Hash" mono>
                  {event.hash}
                </Item>
                <Item label="Previous hash" mono>
                  {event.prevHash}
                </Item>
              </dl>
            </section>
          </div>
        </div>
      ) : null}
    </dialog>
  );
}
