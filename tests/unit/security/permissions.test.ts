import { describe, expect, it } from "vitest";
import { can, canManageRole, PERMISSIONS, ROLE_PERMISSIONS, ROLE_RANK, ROLES } from "@/lib/security/permissions";

describe("the permission map", () => {
  it("gives each higher role every permission of the roles below it", () => {
    for (const higher of ROLES) {
      for (const lower of ROLES) {
        if (ROLE_RANK[higher] <= ROLE_RANK[lower]) continue;
        for (const permission of ROLE_PERMISSIONS[lower]) expect(can(higher, permission), `${higher} ${permission}`).toBe(true);
      }
    }
  });

  it("matches the product's rules", () => {
    expect([...ROLE_PERMISSIONS.VIEWER].sort()).toEqual(["members.read", "org.read", "projects.read", "settings.read"]);
    expect(can("DEVELOPER", "projects.write") && can("DEVELOPER", "api_keys.create")).toBe(true);
    expect(can("DEVELOPER", "provider_keys.read") || can("DEVELOPER", "members.manage")).toBe(false);
    expect(can("ADMIN", "provider_keys.manage") && can("ADMIN", "settings.manage") && can("ADMIN", "members.manage")).toBe(true);
    expect(can("ADMIN", "owners.manage") || can("ADMIN", "org.delete")).toBe(false);
    expect(PERMISSIONS.every((p) => can("OWNER", p))).toBe(true);
  });

  it("lets only owners manage owners and nobody grant above their own role", () => {
    expect(canManageRole("OWNER", "OWNER")).toBe(true);
    expect(canManageRole("ADMIN", "OWNER")).toBe(false);
    expect(canManageRole("ADMIN", "ADMIN")).toBe(true);
    expect(canManageRole("ADMIN", "VIEWER")).toBe(true);
    expect(canManageRole("DEVELOPER", "VIEWER")).toBe(false);
    expect(canManageRole("VIEWER", "VIEWER")).toBe(false);
  });
});
