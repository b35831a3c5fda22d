import type { Role } from "@/lib/security/permissions";
import { Badge, type BadgeTone } from "@/components/ui/badge";

export const ROLE_LABELS = { OWNER: "Owner", ADMIN: "Admin", DEVELOPER: "Developer", VIEWER: "Viewer" } as const satisfies Record<Role, string>;

export const ROLE_SUMMARIES = {
  OWNER: "Everything, including owners and deleting the organisation",
  ADMIN: "Manage members, keys and security settings",
  DEVELOPER: "Create projects and API keys",
  VIEWER: "Read-only access",
} as const satisfies Record<Role, string>;

const TONES: Record<Role, BadgeTone> = { OWNER: "accent", ADMIN: "warning", DEVELOPER: "neutral", VIEWER: "neutral" };

export function RoleBadge({ role }: { role: Role }) {
  return <Badge tone={TONES[role]}>{ROLE_LABELS[role]}</Badge>;
}
