"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { Spinner } from "@/components/ui/spinner";

const NEW_ORG = "__new__";

export function OrgSwitcher({ orgs, current }: { orgs: { slug: string; name: string }[]; current: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <div className="relative flex min-w-0 items-center gap-2">
      <label htmlFor="org-switcher" className="sr-only">
        Organisation
      </label>
      <select
        id="org-switcher"
        value={current}
        aria-busy={pending || undefined}
        onChange={(event) => {
          const value = event.target.value;
          startTransition(() => router.push(value === NEW_ORG ? "/orgs/new" : `/${value}/projects`));
        }}
        className="h-8 max-w-56 min-w-0 cursor-pointer appearance-none truncate rounded-md border-0 bg-transparent py-0 pr-7 pl-2 text-sm font-medium text-zinc-900 ring-1 ring-transparent ring-inset hover:bg-zinc-100 focus:ring-2 focus:ring-accent-600 focus:outline-none"
      >
        <optgroup label="Your organisations">
          {orgs.map((org) => (
            <option key={org.slug} value={org.slug}>
              {org.name}
            </option>
          ))}
        </optgroup>
        <optgroup label="Actions">
          <option value={NEW_ORG}>New organisation…</option>
        </optgroup>
      </select>
      <svg className="pointer-events-none absolute right-2 size-4 text-zinc-500" viewBox="0 0 20 20" fill="currentColor" aria-hidden="true">
        <path
          fillRule="evenodd"
          d="M10.53 3.47a.75.75 0 0 0-1.06 0L6.22 6.72a.75.75 0 0 0 1.06 1.06L10 5.06l2.72 2.72a.75.75 0 1 0 1.06-1.06l-3.25-3.25Zm-4.31 9.81 3.25 3.25a.75.75 0 0 0 1.06 0l3.25-3.25a.75.75 0 1 0-1.06-1.06L10 14.94l-2.72-2.72a.75.75 0 0 0-1.06 1.06Z"
          clipRule="evenodd"
        />
      </svg>
      {pending ? <Spinner className="text-zinc-400" /> : null}
    </div>
  );
}
