import { redirect } from "next/navigation";
import { listOrgsForUser } from "@/lib/orgs/service";
import { pageUser } from "@/lib/security/page";

/** Signed out → sign-in (via pageUser); no org yet → create one; otherwise the first org's projects. */
export default async function Home() {
  const user = await pageUser("/");
  const orgs = await listOrgsForUser(user.principal.userId);
  const first = orgs[0];
  redirect(first ? `/${first.slug}/projects` : "/orgs/new");
}
