import type { ReactNode } from "react";
import { cx } from "./cx";

export function Card({ className, children, tone = "default", ...rest }: { className?: string; children: ReactNode; tone?: "default" | "danger"; "aria-labelledby"?: string }) {
  return (
    <section
      className={cx(
        "rounded-lg border bg-white shadow-xs",
        tone === "danger" ? "border-red-200" : "border-zinc-200",
        className,
      )}
      {...rest}
    >
      {children}
    </section>
  );
}

interface CardHeaderProps {
  title: ReactNode;
  titleId?: string;
  description?: ReactNode;
  actions?: ReactNode;
  tone?: "default" | "danger";
}

export function CardHeader({ title, titleId, description, actions, tone = "default" }: CardHeaderProps) {
  return (
    <div className={cx("flex flex-wrap items-start justify-between gap-3 border-b px-5 py-4", tone === "danger" ? "border-red-100" : "border-zinc-100")}>
      <div className="min-w-0 space-y-0.5">
        <h2 id={titleId} className={cx("text-[0.9375rem] font-semibold", tone === "danger" ? "text-red-800" : "text-zinc-900")}>
          {title}
        </h2>
        {description ? <p className="text-[0.8125rem] text-zinc-500">{description}</p> : null}
      </div>
      {actions ? <div className="flex shrink-0 items-center gap-2">{actions}</div> : null}
    </div>
  );
}

export function CardBody({ className, children }: { className?: string; children: ReactNode }) {
  return <div className={cx("px-5 py-4", className)}>{children}</div>;
}

export function CardFooter({ className, children }: { className?: string; children: ReactNode }) {
  return <div className={cx("flex items-center justify-end gap-3 rounded-b-lg border-t border-zinc-100 bg-zinc-50/60 px-5 py-3", className)}>{children}</div>;
}
