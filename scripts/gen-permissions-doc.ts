// `npx tsx scripts/gen-permissions-doc.ts`: writes docs/permissions.md from the
// permission map in lib/security/permissions.ts. The map is the only source:
// tests/unit/security/permissions-doc.test.ts fails when the file differs from
// what renderPermissionsDoc() returns, so edit the map and run this script.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  PERMISSIONS,
  PERMISSION_DESCRIPTIONS,
  ROLES,
  canManageRole,
  can,
  rolesWith,
  SCOPE_PERMISSIONS,
  type KeyScope,
  type Role,
} from "../lib/security/permissions";

export const PERMISSIONS_DOC_PATH = "docs/permissions.md";

const CHECK = "✓";

/** A table cell: pipes escaped and line breaks flattened, so a description cannot break the table. */
function cell(text: string): string {
  return text.replaceAll("|", "\\|").replace(/\s*\n\s*/g, " ");
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(" | ")} |`;
}

function list(roles: readonly Role[]): string {
  return roles.length ? roles.map((r) => `\`${r}\``).join(", ") : "no role";
}

function permissionTable(): string[] {
  const header = row(["Permission", "Description", ...ROLES]);
  const rule = row(["---", "---", ...ROLES.map(() => ":---:")]);
  const rows = PERMISSIONS.map((permission) =>
    row([`\`${permission}\``, cell(PERMISSION_DESCRIPTIONS[permission]), ...ROLES.map((role) => (can(role, permission) ? CHECK : ""))]),
  );
  return [header, rule, ...rows];
}

function totals(): string {
  return ROLES.map((role) => `\`${role}\` ${PERMISSIONS.filter((p) => can(role, p)).length}`).join(", ");
}

/** Who may assign (or act on a member holding) which role: canManageRole, cell by cell. */
function managementTable(): string[] {
  const header = row(["Actor ↓ / target role →", ...ROLES]);
  const rule = row(["---", ...ROLES.map(() => ":---:")]);
  const rows = ROLES.map((actor) => row([`\`${actor}\``, ...ROLES.map((target) => (canManageRole(actor, target) ? CHECK : ""))]));
  return [header, rule, ...rows];
}

/** What each API-key scope grants on the management API. */
function scopeTable(): string[] {
  const scopes = Object.keys(SCOPE_PERMISSIONS) as KeyScope[];
  const rows = scopes.map((scope) => {
    const granted: readonly string[] = SCOPE_PERMISSIONS[scope];
    return row([`\`${scope}\``, granted.length ? granted.map((p) => `\`${p}\``).join(", ") : "none (SDK endpoints only)"]);
  });
  return [row(["Scope", "Management permissions"]), row(["---", "---"]), ...rows];
}

/** The whole of docs/permissions.md. Pure: the same map always gives the same text. */
export function renderPermissionsDoc(): string {
  const lines = [
    "# Permissions",
    "",
    "<!-- Generated from lib/security/permissions.ts by scripts/gen-permissions-doc.ts. Do not edit by hand:",
    "     change the map, then run `npx tsx scripts/gen-permissions-doc.ts`. A unit test fails when this file is stale. -->",
    "",
    `Roles, highest first: ${ROLES.map((r) => `\`${r}\``).join(" > ")}. Each role holds the permissions`,
    "ticked in its column. The map in `lib/security/permissions.ts` is the single source for the",
    "pipeline's checks (`lib/security/authorize.ts`), this page and the generated tenant-isolation",
    "tests; every route handler and server action declares the one permission it needs.",
    "",
    "Authorisation never trusts the session token for roles: the caller's membership is loaded from",
    "the database on every request, so a role change or removal applies to the next request.",
    "",
    "## Matrix",
    "",
    ...permissionTable(),
    "",
    `Permissions per role: ${totals()}.`,
    "",
    "## Managing roles",
    "",
    "`canManageRole(actor, target)` decides whether a member may grant a role (by invitation or by",
    "changing a role) and whether they may act on a member who holds it (change their role, remove",
    "them, revoke their invitation). A role change checks both the member's current role and the new one.",
    "",
    ...managementTable(),
    "",
    `- Owners are invited, promoted, demoted and removed only with \`owners.manage\` (held by ${list(rolesWith("owners.manage"))}).`,
    `- Every other role needs \`members.manage\` (held by ${list(rolesWith("members.manage"))}), and a member may grant at most their own role.`,
    `- Inviting needs \`members.invite\` (held by ${list(rolesWith("members.invite"))}) and the same rule for the invited role.`,
    "- The last `OWNER` of an organisation can be neither removed nor demoted (`last_owner`, HTTP 409);",
    "  membership changes of one organisation are serialised so two requests cannot both pass that check.",
    "- Refusals: a missing permission answers `forbidden` (403); a role the member may not grant or act on",
    "  answers `role_not_allowed` (403); a member or organisation of another tenant answers `not_found` (404).",
    "",
    "## API keys",
    "",
    "Project API keys call the SDK endpoints (`chat` → `POST /api/v1/chat/completions`, `models` →",
    "`GET /api/v1/models`) and, with a management scope, the management routes that admit keys",
    "(reading their org and project, and the API-key routes of their own project; see docs/api.md). A key holds no role: its permissions",
    "come from its scopes, and it reaches its own project only (any other project or org answers 404).",
    "",
    ...scopeTable(),
    "",
    "- A member can give a key only scopes whose permissions they hold themselves (`scope_not_allowed`, 403):",
    `  \`management:write\` needs \`api_keys.manage\` (held by ${list(rolesWith("api_keys.manage"))}).`,
    "- A key without the scope an endpoint needs answers `insufficient_scope` (403).",
    "",
  ];
  return lines.join("\n");
}

function runAsScript(): boolean {
  const entry = process.argv[1];
  return Boolean(entry) && path.resolve(entry!) === fileURLToPath(import.meta.url);
}

if (runAsScript()) {
  const target = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", PERMISSIONS_DOC_PATH);
  writeFileSync(target, renderPermissionsDoc());
  console.log(`Wrote ${path.relative(process.cwd(), target)}`);
}
