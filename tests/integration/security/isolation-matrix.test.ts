import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { ERROR_STATUS, type ErrorCode } from "@/lib/security/errors";
import { can, ROLES, type Role } from "@/lib/security/permissions";
import type { RouteHandler } from "@/lib/security/route";
import { makeTenant, makeUser, sessionCookie, type Tenant, type TestUser } from "../../support/fixtures";
import { callRoute } from "../../support/http";
import { nextHeadersMock, scope } from "../../support/next-request-scope";
import { discoverActions, discoverRoutes, secretsOf, snapshot } from "./matrix-helpers";
import { ACTIONS, ROUTES, type Door, type Scenario } from "./matrix-spec";

vi.mock("next/headers", () => nextHeadersMock);

/**
 * The tenant-isolation matrix: every route handler and server action, found in
 * the code, run as every role of the own org, against a foreign org, against a
 * foreign resource inside the own org's path, as a signed-in outsider, as a
 * disabled user and anonymously. Each decision must equal the permission map,
 * and a foreign tenant's data must be neither changed nor revealed.
 */
type Principal = { kind: "role"; role: Role } | { kind: "outsider" } | { kind: "disabled" } | { kind: "anonymous" };
type Variant = "own" | "foreign-org" | "foreign-resource";

interface Outcome {
  status: number;
  code?: string;
  text: string;
}

const routes = await discoverRoutes();
const actions = await discoverActions();
const routeHandlers = new Map<string, RouteHandler>();
for (const [key, { file, method }] of routes) routeHandlers.set(key, (await import(/* @vite-ignore */ file))[method]);

let counted = 0;
let leaks = 0;

function principals(): Principal[] {
  return [...ROLES.map((role) => ({ kind: "role", role }) as const), { kind: "outsider" }, { kind: "disabled" }, { kind: "anonymous" }];
}

function variants(door: Door, principal: Principal): Variant[] {
  if (door.scope !== "org" || principal.kind !== "role") return ["own"];
  return door.hasResource ? ["own", "foreign-org", "foreign-resource"] : ["own", "foreign-org"];
}

function expected(door: Door, principal: Principal, variant: Variant): number {
  if (door.scope === "public") return door.success;
  if (principal.kind === "anonymous") return 401;
  if (principal.kind === "disabled") return 401;
  if (door.scope === "user") return door.success;
  if (principal.kind === "outsider") return 404;
  if (variant === "foreign-org") return 404;
  if (!can(principal.role, door.permission)) return 403;
  return variant === "foreign-resource" ? 404 : door.success;
}

async function callerFor(principal: Principal, own: Tenant): Promise<TestUser | null> {
  switch (principal.kind) {
    case "role":
      return own.members[principal.role].user;
    case "outsider":
      return makeUser("outsider");
    case "disabled": {
      const owner = own.members.OWNER.user;
      await db.user.update({ where: { id: owner.id }, data: { disabledAt: new Date() } });
      return owner;
    }
    case "anonymous":
      return null;
  }
}

async function invoke(kind: "route" | "action", key: string, door: Door, s: Scenario): Promise<Outcome> {
  const built = door.build ? await door.build(s) : {};
  const cookie = s.caller ? await sessionCookie(s.caller.id) : null;
  if (kind === "route") {
    const [method, path] = key.split(" ") as [string, string];
    const res = await callRoute(routeHandlers.get(key)!, method, path, { cookie, params: built.params, body: built.body });
    return { status: res.status, code: (res.json as { error?: { code?: string } })?.error?.code, text: res.text };
  }
  scope.cookie = cookie ?? "";
  const result = (await actions.get(key)!(null, built.body ?? {})) as { ok: boolean; code?: ErrorCode };
  const status = result.ok ? 200 : ERROR_STATUS[result.code!];
  return { status, code: result.code, text: JSON.stringify(result) };
}

function describeDoors(kind: "route" | "action", doors: Record<string, Door | { scope: "auth" }>) {
  for (const [key, door] of Object.entries(doors)) {
    if (door.scope === "auth") continue;
    describe(key, () => {
      for (const principal of principals()) {
        for (const variant of variants(door, principal)) {
          const who = principal.kind === "role" ? principal.role : principal.kind;
          const want = expected(door, principal, variant);
          it(`${who} / ${variant} → ${want}`, async () => {
            const own = await makeTenant("Own");
            const foreign = await makeTenant("Foreign");
            const caller = await callerFor(principal, own);
            const scenario: Scenario = {
              target: variant === "foreign-org" ? foreign : own,
              resource: variant === "own" ? own : foreign,
              caller,
            };
            const before = await snapshot(foreign);
            const outcome = await invoke(kind, key, door, scenario);
            counted += 1;
            const after = await snapshot(foreign);
            const revealed = secretsOf(foreign).filter((secret) => outcome.text.includes(secret));
            if (revealed.length || JSON.stringify(before) !== JSON.stringify(after)) leaks += 1;
            expect(revealed, "foreign data in the response").toEqual([]);
            expect(after, "foreign tenant changed").toEqual(before);
            expect(outcome.status, `${outcome.code ?? ""} ${outcome.text.slice(0, 200)}`).toBe(want);
          });
        }
      }
    });
  }
}

describe("isolation matrix", () => {
  it("declares every route handler found in app/", () => {
    const missing = [...routes.keys()].filter((key) => !(key in ROUTES));
    const stale = Object.keys(ROUTES).filter((key) => !routes.has(key));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });

  it("declares every server action found in the code", () => {
    const missing = [...actions.keys()].filter((key) => !(key in ACTIONS));
    const stale = Object.keys(ACTIONS).filter((key) => !actions.has(key));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });

  describeDoors("route", ROUTES);
  describeDoors("action", ACTIONS);
});

beforeAll(() => {
  scope.cookie = "";
});

afterAll(() => {
  console.log(
    `isolation matrix: ${routes.size} route handlers, ${actions.size} server actions, ${counted} decisions checked, ${leaks} leaks`,
  );
});
