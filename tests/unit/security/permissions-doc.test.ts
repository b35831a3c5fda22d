import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ERROR_STATUS } from "@/lib/security/errors";
import { PERMISSIONS, ROLES } from "@/lib/security/permissions";
import { PERMISSIONS_DOC_PATH, renderPermissionsDoc } from "@/scripts/gen-permissions-doc";

const root = path.resolve(import.meta.dirname, "../../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

describe("docs/permissions.md", () => {
  it("is exactly what the generator renders from the permission map (run `npx tsx scripts/gen-permissions-doc.ts`)", () => {
    expect(read(PERMISSIONS_DOC_PATH)).toBe(renderPermissionsDoc());
  });

  it("has one matrix row per permission and one column per role", () => {
    const doc = renderPermissionsDoc();
    for (const permission of PERMISSIONS) expect(doc).toMatch(new RegExp(`^\\| \`${permission.replace(".", "\\.")}\` \\|`, "m"));
    expect(doc).toContain(`| Permission | Description | ${ROLES.join(" | ")} |`);
  });
});

describe("docs/architecture.md", () => {
  it("lists every error code with its HTTP status, and no other", () => {
    const rows = [...read("docs/architecture.md").matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map(([, code, status]) => [code, Number(status)]);
    expect(Object.fromEntries(rows)).toEqual(ERROR_STATUS);
    expect(rows).toHaveLength(Object.keys(ERROR_STATUS).length);
  });
});
