import type { ComponentProps } from "react";
import { cx } from "./cx";

export const controlClasses = cx(
  "block w-full rounded-md border-0 bg-white px-3 text-sm text-zinc-900 shadow-xs ring-1 ring-inset ring-zinc-300",
  "placeholder:text-zinc-400 focus:ring-2 focus:ring-accent-600 focus:outline-none",
  "disabled:cursor-not-allowed disabled:bg-zinc-50 disabled:text-zinc-500 read-only:bg-zinc-50",
  "aria-invalid:ring-red-500 aria-invalid:focus:ring-red-600",
);

export function Input({ className, ...rest }: ComponentProps<"input">) {
  return <input className={cx(controlClasses, "h-9", className)} {...rest} />;
}
