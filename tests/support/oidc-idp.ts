import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import Provider, { type Configuration } from "oidc-provider";

/**
 * A real OpenID Connect identity provider (`oidc-provider` 9) on loopback, for
 * the SSO tests: one confidential client, one user, and an interaction that
 * signs that user in and consents at once (no UI). Like many IdPs it puts only
 * `sub` in the ID token and the email in userinfo, so the sign-in has to
 * merge the two.
 *
 * The client's redirect URIs can be set after start (`allowRedirect`), since
 * the URI names the Gatehouse connection, which is created against the
 * running IdP's discovery document.
 */
export interface IdpUser {
  sub: string;
  email: string;
  emailVerified?: boolean;
  name?: string;
}

export interface OidcIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The user the next interaction signs in. */
  setUser(user: IdpUser): void;
  /** Register (replacing) the client's redirect URIs. */
  allowRedirect(...uris: string[]): void;
  close(): Promise<void>;
}

export async function startOidcIdp(options: { user: IdpUser; clientId?: string; clientSecret?: string }): Promise<OidcIdp> {
  let user = options.user;
  const clientId = options.clientId ?? `gatehouse-${randomBytes(4).toString("hex")}`;
  const clientSecret = options.clientSecret ?? randomBytes(24).toString("base64url");
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: "jwk" }), kid: randomBytes(6).toString("hex"), use: "sig", alg: "RS256" };
  const cookieKeys = [randomBytes(32).toString("base64url")];

  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  function build(redirectUris: string[]): Provider {
    const configuration: Configuration = {
      clients: [
        {
          client_id: clientId,
          client_secret: clientSecret,
          redirect_uris: redirectUris.length ? redirectUris : [`${issuer}/unused-callback`],
          response_types: ["code"],
          grant_types: ["authorization_code"],
          token_endpoint_auth_method: "client_secret_basic",
        },
      ],
      async findAccount(_ctx, sub) {
        if (sub !== user.sub) return undefined;
        const current = user;
        return {
          accountId: sub,
          async claims() {
            return { sub, email: current.email, email_verified: current.emailVerified ?? true, name: current.name ?? current.email.split("@")[0] };
          },
        };
      },
      claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
      features: { devInteractions: { enabled: false } },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      pkce: { required: () => true },
      cookies: { keys: cookieKeys },
      jwks: { keys: [jwk] },
      ttl: { Session: 600, Interaction: 600, Grant: 600, AccessToken: 600, AuthorizationCode: 60, IdToken: 600 },
    };
    return new Provider(issuer, configuration);
  }

  let provider = build([]);

  /** Sign the current user in, then grant what the client asks for. */
  async function interaction(req: IncomingMessage, res: ServerResponse) {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === "login") {
      await provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
      return;
    }
    const accountId = details.session?.accountId ?? user.sub;
    const grant = details.grantId ? (await provider.Grant.find(details.grantId))! : new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.startsWith("/interaction/")) {
      interaction(req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error instanceof Error ? error.message : error));
      });
      return;
    }
    provider.callback()(req, res);
  });

  return {
    issuer,
    clientId,
    clientSecret,
    setUser(next) {
      user = next;
    },
    allowRedirect(...uris) {
      provider = build(uris);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
