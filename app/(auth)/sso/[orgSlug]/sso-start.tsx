"use client";

import { useEffect, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

export interface StartTarget {
  id: string;
  name: string;
  protocol: "OIDC" | "SAML";
  /** OIDC: next-auth's sign-in endpoint for the connection. SAML: the SP-initiated start. */
  action: string;
}

/**
 * Start SSO with one connection. OIDC goes through next-auth, whose sign-in
 * endpoint wants its CSRF token posted with the request; the client-side
 * `signIn()` cannot be used (it first asks /api/auth/providers, which knows no
 * org). So: fetch the token, post it with `json=true`, and navigate to the
 * IdP URL next-auth answers (a plain form post could not follow next-auth's
 * redirect to the IdP under the page's `form-action 'self'`). SAML starts at
 * its own route.
 */
async function start(target: StartTarget, callbackUrl: string) {
  if (target.protocol === "SAML") {
    // A route handler that redirects to the IdP, not a page: a full navigation.
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    window.location.assign(`${target.action}?callbackUrl=${encodeURIComponent(callbackUrl)}`);
    return;
  }
  const csrf = await fetch("/api/auth/csrf", { credentials: "same-origin", cache: "no-store" });
  if (!csrf.ok) throw new Error("csrf");
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(target.action, {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrfToken, callbackUrl, json: "true" }),
  });
  if (!res.ok) throw new Error("start");
  const { url } = (await res.json()) as { url?: string };
  if (!url) throw new Error("start");
  window.location.assign(url);
}

export function SsoStart({ targets, callbackUrl, auto }: { targets: StartTarget[]; callbackUrl: string; auto: boolean }) {
  const [pending, setPending] = useState<string | null>(auto && targets.length === 1 ? targets[0]!.id : null);
  const [failed, setFailed] = useState(false);
  const started = useRef(false);

  function go(target: StartTarget) {
    setPending(target.id);
    setFailed(false);
    start(target, callbackUrl).catch(() => {
      setPending(null);
      setFailed(true);
    });
  }

  useEffect(() => {
    if (!auto || targets.length !== 1 || started.current) return;
    started.current = true;
    go(targets[0]!);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <div className="space-y-3">
      {failed ? <Alert tone="error">Single sign-on could not be started. Try again in a moment.</Alert> : null}
      {pending && auto && targets.length === 1 ? (
        <p role="status" className="text-[0.8125rem] text-zinc-600">
          Redirecting to {targets[0]!.name}…
        </p>
      ) : null}
      {targets.map((target) => (
        <Button key={target.id} variant={targets.length === 1 ? "primary" : "secondary"} className="w-full" pending={pending === target.id} onClick={() => go(target)}>
          Continue with {target.name}
        </Button>
      ))}
    </div>
  );
}
