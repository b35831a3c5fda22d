"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cx } from "@/components/ui/cx";

const ITEMS = [
  { segment: "projects", label: "Projects" },
  { segment: "members", label: "Members" },
  { segment: "settings", label: "Settings" },
] as const;

/** The org's sections as tabs; the current one carries aria-current="page". */
export function ConsoleNav({ orgSlug }: { orgSlug: string }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="-mb-px flex gap-1 overflow-x-auto">
      {ITEMS.map((item) => {
        const href = `/${orgSlug}/${item.segment}`;
        const active = pathname === href || pathname.startsWith(`${href}/`);
        return (
          <Link
            key={item.segment}
            href={href}
            aria-current={active ? "page" : undefined}
            className={cx(
              "border-b-2 px-3 pt-2 pb-2.5 text-sm font-medium whitespace-nowrap transition-colors",
              active ? "border-accent-600 text-zinc-900" : "border-transparent text-zinc-500 hover:border-zinc-300 hover:text-zinc-800",
            )}
          >
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
