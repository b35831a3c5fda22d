import type { ReactNode } from "react";
import { Brand } from "./brand";

/** A single card in the middle of the page: sign-in, sign-up, invitations, errors. */
export function CenteredPage({ children, footer, wide = false }: { children: ReactNode; footer?: ReactNode; wide?: boolean }) {
  return (
    <div className="flex min-h-dvh flex-col items-center justify-center px-4 py-12">
      <main className={wide ? "w-full max-w-lg" : "w-full max-w-sm"}>
        <div className="mb-8 flex justify-center">
          <Brand />
        </div>
        <div className="rounded-xl border border-zinc-200 bg-white px-6 py-7 shadow-sm sm:px-8">{children}</div>
        {footer ? <div className="mt-6 text-center text-[0.8125rem] text-zinc-600">{footer}</div> : null}
      </main>
    </div>
  );
}

export function CenteredHeading({ title, description }: { title: ReactNode; description?: ReactNode }) {
  return (
    <div className="mb-6 space-y-1.5">
      <h1 className="text-lg font-semibold tracking-tight text-zinc-900">{title}</h1>
      {description ? <p className="text-[0.8125rem] leading-relaxed text-zinc-600">{description}</p> : null}
    </div>
  );
}
