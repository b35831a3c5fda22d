import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { buttonClasses } from "@/components/ui/button";
import { CenteredHeading, CenteredPage } from "@/components/shell/centered-page";

export const metadata: Metadata = { title: "Not found" };

export default async function NotFound() {
  // Rendered per request, so its scripts carry the CSP nonce like every other page.
  await connection();
  return (
    <CenteredPage>
      <CenteredHeading
        title="Page not found"
        description="This page does not exist, or you do not have access to it. If someone shared a link with you, check that you are signed in with the right account."
      />
      <Link href="/" className={buttonClasses("primary", "md", "w-full")}>
        Go to the console
      </Link>
    </CenteredPage>
  );
}
