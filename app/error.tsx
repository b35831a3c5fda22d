"use client";

import Link from "next/link";
import { Button, buttonClasses } from "@/components/ui/button";
import { CenteredHeading, CenteredPage } from "@/components/shell/centered-page";

/** Unexpected failures: a calm message and a way forward, never internal details. */
export default function ErrorPage({ retry }: { error: unknown; retry: () => void }) {
  return (
    <CenteredPage>
      <CenteredHeading
        title="Something went wrong"
        description="We could not load this page. Try again in a moment; if it keeps happening, contact your administrator."
      />
      <div className="flex flex-col gap-2">
        <Button variant="primary" onClick={() => retry()}>
          Try again
        </Button>
        <Link href="/" className={buttonClasses("ghost", "md")}>
          Go to the console
        </Link>
      </div>
    </CenteredPage>
  );
}
