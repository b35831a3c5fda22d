import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { ERROR_STATUS, type ErrorCode } from "@/lib/security/errors";
import { can, ROLES, scopePermissions, type Role } from "@/lib/security/permissions";
import type { RouteHandler } from "@/lib/security/route";
import { makeApiKey, makeTenant, makeUser, sessionCookie, type Tenant, type TestUser } from "../../support/fixtures";
import { callRoute } from "../../support/http";
import { nextHeadersMock, scope } from "../../support/next-request-scope";
import { makeScimToken } from "../scim/support";
import { discoverActions, discoverRoutes, providerKeyPlaintexts, secretsOf, snapshot } from "./matrix-helpers";
import { ACTIONS, ROUTES, type Built, type Door, type Scenario } from "./matrix-spec";

vi.mock("next/headers", () => nextHeadersMock);

/**
 * The tenant-isolation matrix: every route handler and server action, found in
 * the code, run as every role of the own org, against a foreign org, against a
 * foreign resource inside the own org's path, as a signed-in outsider, as a
 * disabled user and anonymously. Each decision must equal the permission map,
 * and a foreign tenant's data must be neither changed nor revealed.
 */
type Principal =
  | { kind: "role"; role: Role }
  | { kind: "key"; scopes: string[]; revoked?: boolean }
  | { kind: "outsider" }
  | { kind: "disabled" }
  | { kind: "anonymous" }
  | { kind: "cron"; secret: "right" | "wrong" }
  | { kind: "scim"; revoked: boolean };
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

/** API keys of the own tenant's project: SDK-only, read-only and read-write management, and a revoked one. */
const KEY_PRINCIPALS: Principal[] = [
  { kind: "key", scopes: ["chat", "models"] },
  { kind: "key", scopes: ["management:read"] },
  { kind: "key", scopes: ["management:write"] },
  { kind: "key", scopes: ["chat", "models", "management:write"], revoked: true },
];

/** Callers presenting a bearer secret to the operator (cron) doors: the configured one, and another. */
const CRON_PRINCIPALS: Principal[] = [
  { kind: "cron", secret: "right" },
  { kind: "cron", secret: "wrong" },
];

/** Identity providers at the SCIM door: the own org's SCIM token, and a revoked one. */
const SCIM_PRINCIPALS: Principal[] = [
  { kind: "scim", revoked: false },
  { kind: "scim", revoked: true },
];

function principals(kind: "route" | "action", door: Door): Principal[] {
  const people: Principal[] = [...ROLES.map((role) => ({ kind: "role", role }) as const), { kind: "outsider" }, { kind: "disabled" }, { kind: "anonymous" }];
  if (kind === "action") return people;
  if (door.scope === "scim") return [...people, ...KEY_PRINCIPALS, ...SCIM_PRINCIPALS];
  return door.scope === "cron" ? [...people, ...KEY_PRINCIPALS, ...CRON_PRINCIPALS] : [...people, ...KEY_PRINCIPALS];
}

function variants(door: Door, principal: Principal): Variant[] {
  if (door.scope === "scim") return principal.kind === "scim" && !principal.revoked && door.hasResource ? ["own", "foreign-resource"] : ["own"];
  if (door.scope !== "org") return ["own"];
  const probes = principal.kind === "role" || (principal.kind === "key" && door.apiKeys && !principal.revoked);
  if (!probes) return ["own"];
  return door.hasResource ? ["own", "foreign-org", "foreign-resource"] : ["own", "foreign-org"];
}

function expectedForKey(door: Door, principal: Extract<Principal, { kind: "key" }>, variant: Variant): number {
  if (door.scope === "public") return door.success;
  if (door.scope === "cron" || door.scope === "scim") return 401;
  if (door.scope === "user" || (door.scope === "org" && !door.apiKeys)) return 401;
  if (principal.revoked) return 401;
  if (door.scope === "gateway") return principal.scopes.includes(door.keyScope) ? door.success : 403;
  // A key's project is its tenant boundary, checked before its scopes, like an org for a member.
  if (variant !== "own") return 404;
  return scopePermissions(principal.scopes).has(door.permission) ? door.success : 403;
}

function expected(door: Door, principal: Principal, variant: Variant): number {
  if (door.scope === "cron") return principal.kind === "cron" && principal.secret === "right" ? door.success : 401;
  if (principal.kind === "cron") return door.scope === "public" ? door.success : 401;
  // The SCIM door admits an org's live SCIM token only, and nothing else admits one.
  if (door.scope === "scim") return principal.kind === "scim" && !principal.revoked ? (variant === "own" ? door.success : 404) : 401;
  if (principal.kind === "scim") return door.scope === "public" ? door.success : 401;
  if (principal.kind === "key") return expectedForKey(door, principal, variant);
  if (door.scope === "public") return door.success;
  if (principal.kind === "anonymous") return 401;
  if (principal.kind === "disabled") return 401;
  if (door.scope === "user") return door.success;
  if (door.scope === "gateway") return 401;
  if (principal.kind === "outsider") return 404;
  if (variant === "foreign-org") return 404;
  if (!can(principal.role, door.permission)) return 403;
  return variant === "foreign-resource" ? 404 : door.success;
}

async function callerFor(principal: Principal, own: Tenant): Promise<TestUser | null> {
  switch (principal.kind) {
    case "key":
      return null;
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
    case "cron":
    case "scim":
      return null;
  }
}

async function invoke(kind: "route" | "action", key: string, built: Built, s: Scenario): Promise<Outcome> {
  const cookie = s.caller ? await sessionCookie(s.caller.id) : null;
  if (kind === "route") {
    const [method, path] = key.split(" ") as [string, string];
    // An API caller sends its key and no browser Origin.
    const keyed = s.bearer ? { headers: { authorization: `Bearer ${s.bearer}` }, origin: null } : {};
    const res = await callRoute(routeHandlers.get(key)!, method, built.path ?? path, { cookie, params: built.params, body: built.body, ...keyed });
    return { status: res.status, code: (res.json as { error?: { code?: string } })?.error?.code, text: res.text };
  }
  scope.cookie = cookie ?? "";
  const result = (await actions.get(key)!(null, built.body ?? {})) as { ok: boolean; code?: ErrorCode };
  const status = result.ok ? 200 : ERROR_STATUS[result.code!];
  return { status, code: result.code, text: JSON.stringify(result) };
}

function describePrincipal(principal: Principal): string {
  if (principal.kind === "role") return principal.role;
  if (principal.kind === "key") return `key[${principal.scopes.join(",")}]${principal.revoked ? " revoked" : ""}`;
  if (principal.kind === "cron") return `${principal.secret} cron secret`;
  if (principal.kind === "scim") return `scim token${principal.revoked ? " revoked" : ""}`;
  return principal.kind;
}

function describeDoors(kind: "route" | "action", doors: Record<string, Door | { scope: "auth" }>) {
  for (const [key, door] of Object.entries(doors)) {
    if (door.scope === "auth") continue;
    describe(key, () => {
      for (const principal of principals(kind, door)) {
        for (const variant of variants(door, principal)) {
          const who = describePrincipal(principal);
          const want = expected(door, principal, variant);
          it(`${who} / ${variant} → ${want}`, async () => {
            const own = await makeTenant("Own");
            const foreign = await makeTenant("Foreign");
            const caller = await callerFor(principal, own);
            const bearer =
              principal.kind === "key"
                ? (await makeApiKey(own.org.id, own.project.id, { scopes: principal.scopes, revokedAt: principal.revoked ? new Date() : null })).secret
                : principal.kind === "cron"
                  ? (principal.secret === "right" ? process.env.CRON_SECRET! : `${process.env.CRON_SECRET}x`)
                  : principal.kind === "scim"
                    ? (await makeScimToken(own.org.id, { revokedAt: principal.revoked ? new Date() : null })).secret
                    : undefined;
            const scenario: Scenario = {
              target: variant === "foreign-org" ? foreign : own,
              resource: variant === "own" ? own : foreign,
              caller,
              bearer,
            };
            // Built first: a case may seed the resource it probes (a vaulted key), which then belongs to "before".
            const built = door.build ? await door.build(scenario) : {};
            const before = await snapshot(foreign);
            const outcome = await invoke(kind, key, built, scenario);
            counted += 1;
            const after = await snapshot(foreign);
            // A provider key's plaintext, whoever's, is never in a response.
            const revealed = [...secretsOf(foreign), ...providerKeyPlaintexts()].filter((secret) => outcome.text.includes(secret));
            if (revealed.length || JSON.stringify(before) !== JSON.stringify(after)) leaks += 1;
            expect(revealed, "foreign data or a provider key in the response").toEqual([]);
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
