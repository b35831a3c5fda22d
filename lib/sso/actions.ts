"use server";

import { orgAction, publicAction } from "@/lib/security/org-action";
import { z } from "zod";
import { createConnection, deleteConnection, refreshDiscovery, updateConnection } from "./connections";
import { addDomain, removeDomain, verifyDomain } from "./domains";
import { ssoForEmail } from "./lookup";
import { addDomainInput, createConnectionInput, ssoLookupInput, updateConnectionInput } from "./schemas";

/** Email-first sign-in: SSO (and where to start it) or the password step. */
export const ssoLookupAction = publicAction(ssoLookupInput, { rateLimit: "ssoLookupIp" }, (_meta, input) => ssoForEmail(input.email));

const domainRef = z.object({ domainId: z.uuid() });
const connectionRef = z.object({ connectionId: z.uuid() });

export const addDomainAction = orgAction(z.object(addDomainInput.shape), { permission: "sso.manage" }, (ctx, input) => addDomain(ctx, input));

export const verifyDomainAction = orgAction(domainRef, { permission: "sso.manage" }, (ctx, input) => verifyDomain(ctx, input.domainId));

export const removeDomainAction = orgAction(domainRef.extend({ confirm: z.literal(["true", true], "Confirm the removal") }), { permission: "sso.manage" }, async (ctx, input) => {
  await removeDomain(ctx, input.domainId);
  return null;
});

/** The console posts JSON-shaped input (certificates as a list), so these take plain objects as well as forms. */
export const createConnectionAction = orgAction(z.object({ connection: createConnectionInput }), { permission: "sso.manage" }, (ctx, input) =>
  createConnection(ctx, input.connection),
);

export const updateConnectionAction = orgAction(connectionRef.extend({ patch: updateConnectionInput }), { permission: "sso.manage" }, (ctx, input) =>
  updateConnection(ctx, input.connectionId, input.patch),
);

export const refreshDiscoveryAction = orgAction(connectionRef, { permission: "sso.manage" }, (ctx, input) => refreshDiscovery(ctx, input.connectionId));

export const deleteConnectionAction = orgAction(connectionRef.extend({ confirm: z.literal(["true", true], "Confirm the deletion") }), { permission: "sso.manage" }, async (ctx, input) => {
  await deleteConnection(ctx, input.connectionId);
  return null;
});
