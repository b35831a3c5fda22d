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

/** Form fields of a connection (one certificate per form; the API takes several). */
const connectionFields = {
  name: z.string().optional(),
  issuer: z.string().optional(),
  clientId: z.string().optional(),
  clientSecret: z.string().optional(),
  metadataXml: z.string().optional(),
  entityId: z.string().optional(),
  ssoUrl: z.string().optional(),
  certificate: z.string().optional(),
};

function connectionShape({ certificate, ...fields }: { certificate?: string } & Record<string, unknown>) {
  return { ...fields, ...(certificate ? { certificates: [certificate] } : {}) };
}

export const createConnectionAction = orgAction(
  z.object({ protocol: z.enum(["OIDC", "SAML"]), ...connectionFields }),
  { permission: "sso.manage" },
  (ctx, input) => createConnection(ctx, createConnectionInput.parse(connectionShape(input))),
);

/** Fields left empty are kept (a blank client secret keeps the stored one). */
export const updateConnectionAction = orgAction(
  connectionRef.extend({ enabled: z.enum(["true", "false"]).optional(), ...connectionFields }),
  { permission: "sso.manage" },
  (ctx, { connectionId, enabled, ...fields }) =>
    updateConnection(ctx, connectionId, updateConnectionInput.parse({ ...connectionShape(fields), ...(enabled ? { enabled: enabled === "true" } : {}) })),
);

export const refreshDiscoveryAction = orgAction(connectionRef, { permission: "sso.manage" }, (ctx, input) => refreshDiscovery(ctx, input.connectionId));

export const deleteConnectionAction = orgAction(connectionRef.extend({ confirm: z.literal(["true", true], "Confirm the deletion") }), { permission: "sso.manage" }, async (ctx, input) => {
  await deleteConnection(ctx, input.connectionId);
  return null;
});
