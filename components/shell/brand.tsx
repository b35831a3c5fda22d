import Link from "next/link";
import { cx } from "@/components/ui/cx";

export function BrandMark({ className }: { className?: string }) {
  return (
    <svg className={cx("size-7 shrink-0", className)} viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="7" className="fill-accent-600" />
      <path d="M16 6.5 8.5 9.5v6c0 4.6 3.1 8.6 7.5 10 4.4-1.4 7.5-5.4 7.5-10v-6L16 6.5Z" fill="none" stroke="#fff" strokeWidth="2" strokeLinejoin="round" />
      <path d="m12.5 16 2.5 2.5 4.5-5" fill="none" stroke="#fff" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

/** Product name with its mark, linking home. */
export function Brand({ href = "/", className, compact = false }: { href?: string; className?: string; /** Name visible from sm up only. */ compact?: boolean }) {
  return (
    <Link href={href} className={cx("inline-flex items-center gap-2 rounded-md text-[0.9375rem] font-semibold tracking-tight text-zinc-900", className)}>
      <BrandMark />
      <span className={compact ? "sr-only sm:not-sr-only" : undefined}>Gatehouse</span>
    </Link>
  );
}
