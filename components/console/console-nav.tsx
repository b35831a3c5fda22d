"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { Permission } from "@/lib/security/permissions";
import { cx } from "@/components/ui/cx";

const ITEMS: readonly { segment: string; label: string; permission?: Permission }[] = [
  { segment: "projects", label: "Projects" },
  { segment: "members", label: "Members" },
  { segment: "audit", label: "Audit log", permission: "audit.read" },
  { segment: "settings", label: "Settings" },
];

/** The org's sections as tabs (those the role may open); the current one carries aria-current="page". */
export function ConsoleNav({ orgSlug, permissions = [] }: { orgSlug: string; permissions?: readonly Permission[] }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="-mb-px flex gap-1 overflow-x-auto">
      {ITEMS.filter((item) => !item.permission || permissions.includes(item.permission)).map((item) => {
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
