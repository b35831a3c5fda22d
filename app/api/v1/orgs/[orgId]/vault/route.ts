import { withOrg } from "@/lib/security/route";
import { vaultStatusDto } from "@/lib/vault/schemas";
import { vaultStatus } from "@/lib/vault/service";

/** Which master key wraps the org's live keys, and how many still wait for a re-wrap. */
export const GET = withOrg({ permission: "provider_keys.read", response: vaultStatusDto }, (ctx) => vaultStatus(ctx));
