"use client";

import {
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type RowData,
  type SortingState,
} from "@tanstack/react-table";
import { useState, type ReactNode } from "react";
import { cx } from "@/components/ui/cx";

declare module "@tanstack/react-table" {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData extends RowData, TValue> {
    align?: "left" | "right";
    /** Extra classes for this column's header and cells. */
    className?: string;
    /** Render the cells as row headers (the row's name). */
    rowHeader?: boolean;
  }
}

interface DataTableProps<T> {
  // Column value types differ per column; tanstack's own examples type the array this way.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  columns: ColumnDef<T, any>[];
  data: T[];
  /** The table's accessible name. */
  label: string;
  getRowId?: (row: T) => string;
  initialSorting?: SortingState;
  /** Shown in place of the rows when there are none. */
  empty: ReactNode;
}

function SortIcon({ direction }: { direction: false | "asc" | "desc" }) {
  return (
    <svg className="size-3.5" viewBox="0 0 20 20" fill="currentColor" aria-hidden="true">
      <path d="M10 3.5 6 8.5h8l-4-5Z" className={direction === "asc" ? "text-zinc-700" : "text-zinc-300"} />
      <path d="m10 16.5 4-5H6l4 5Z" className={direction === "desc" ? "text-zinc-700" : "text-zinc-300"} />
    </svg>
  );
}

/** A dense, sortable table with an empty state. Column definitions live with the feature. */
export function DataTable<T>({ columns, data, label, getRowId, initialSorting = [], empty }: DataTableProps<T>) {
  const [sorting, setSorting] = useState<SortingState>(initialSorting);
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data,
    columns,
    state: { sorting },
    onSortingChange: setSorting,
    getRowId,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
  });
  const rows = table.getRowModel().rows;
  const columnCount = table.getVisibleLeafColumns().length;

  return (
    <div className="relative overflow-x-auto">
      <table aria-label={label} className="w-full border-collapse text-left text-[0.8125rem]">
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id} className="border-b border-zinc-200 bg-zinc-50/80">
              {group.headers.map((header) => {
                const meta = header.column.columnDef.meta;
                const sorted = header.column.getIsSorted();
                const content = header.isPlaceholder ? null : flexRender(header.column.columnDef.header, header.getContext());
                return (
                  <th
                    key={header.id}
                    scope="col"
                    aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
                    className={cx(
                      "h-9 px-4 text-xs font-medium whitespace-nowrap text-zinc-500",
                      meta?.align === "right" && "text-right",
                      meta?.className,
                    )}
                  >
                    {header.column.getCanSort() ? (
                      <button
                        type="button"
                        onClick={header.column.getToggleSortingHandler()}
                        className={cx("-mx-1 inline-flex items-center gap-1 rounded px-1 py-0.5 hover:text-zinc-900", meta?.align === "right" && "flex-row-reverse")}
                      >
                        {content}
                        <SortIcon direction={sorted} />
                      </button>
                    ) : (
                      content
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {rows.length === 0 ? (
            <tr>
              <td colSpan={columnCount} className="px-4 py-10 text-center text-zinc-500">
                {empty}
              </td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={row.id} className="hover:bg-zinc-50/70">
                {row.getVisibleCells().map((cell) => {
                  const meta = cell.column.columnDef.meta;
                  const Cell = meta?.rowHeader ? "th" : "td";
                  return (
                    <Cell
                      key={cell.id}
                      scope={meta?.rowHeader ? "row" : undefined}
                      className={cx(
                        "h-11 px-4 py-1.5 align-middle text-zinc-700",
                        meta?.rowHeader && "font-medium text-zinc-900",
                        meta?.align === "right" && "text-right",
                        meta?.className,
                      )}
                    >
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </Cell>
                  );
                })}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
