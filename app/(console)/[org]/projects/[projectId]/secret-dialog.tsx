"use client";

import { formatDateTime } from "@/components/format";
import { Alert } from "@/components/ui/alert";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog } from "@/components/ui/dialog";
import { ShowOnceSecret } from "@/components/ui/show-once-secret";

/** A secret fresh from creation or rotation: held in client state only until the dialog closes. */
export interface RevealedSecret {
  kind: "created" | "rotated";
  name: string;
  secret: string;
  /** After a rotation with a grace window: until when the previous secret keeps working. */
  previousSecretExpiresAt: string | null;
}

function Example({ secret }: { secret: string }) {
  // Rendered only after an action in the browser, so the page's own origin is known.
  const origin = typeof window === "undefined" ? "" : window.location.origin;
  const example = [
    `import OpenAI from "openai";`,
    `const client = new OpenAI({`,
    `  baseURL: "${origin}/api/v1",`,
    `  apiKey: "${secret}",`,
    `  defaultHeaders: { "X-Provider-Key": process.env.OPENAI_API_KEY },`,
    `});`,
  ].join("\n");
  return (
    <div className="space-y-1.5">
      <div className="flex items-center justify-between gap-2">
        <p className="text-[0.8125rem] font-medium text-zinc-800">
          Call the gateway with the OpenAI SDK
        </p>
        <CopyButton value={example} label="Copy example" variant="ghost" size="sm" />
      </div>
      <pre tabIndex={0} className="overflow-x-auto rounded-md bg-zinc-900 px-3 py-2.5 leading-5 text-zinc-100">
        <code className="text-[0.6875rem]">{example}</code>
      </pre>
      <p className="text-xs text-zinc-500">
        The gateway forwards the call with your own provider key from <code className="text-xs">X-Provider-Key</code>; the Gatehouse key decides whether the call is let through.
      </p>
    </div>
  );
}

/**
 * The show-once panel: the whole secret in a read-only field with a copy
 * button and a usage example. Closing it drops the secret from the page.
 */
export function SecretDialog({ revealed, onClose }: { revealed: RevealedSecret | null; onClose: () => void }) {
  return (
    <Dialog
      open={revealed !== null}
      onClose={onClose}
      title={revealed?.kind === "rotated" ? "API key rotated" : "API key created"}
      description={
        revealed ? (
          <>
            {revealed.kind === "rotated" ? "The new secret of " : "The secret of "}
            <strong className="font-medium text-zinc-900">{revealed.name}</strong>. Copy it now and keep it somewhere safe, such as your secret manager.
          </>
        ) : null
      }
    >
      {revealed ? <SecretBody revealed={revealed} onClose={onClose} /> : null}
    </Dialog>
  );
}

function SecretBody({ revealed, onClose }: { revealed: RevealedSecret; onClose: () => void }) {
  return (
    <ShowOnceSecret id="revealed-secret" label="Secret key" value={revealed.secret} copyLabel="Copy API key" warningId="revealed-secret-warning" onDone={onClose}>
      <Alert tone="warning" id="revealed-secret-warning" live="none">
        This is the only time the key is shown. Gatehouse keeps only a hash of it: if you lose it, rotate the key to get a new one.
      </Alert>
      {revealed.kind === "rotated" ? (
        <p className="text-[0.8125rem] text-zinc-700">
          {revealed.previousSecretExpiresAt ? (
            <>
              The previous secret keeps working until{" "}
              <time dateTime={revealed.previousSecretExpiresAt}>{formatDateTime(revealed.previousSecretExpiresAt)}</time>. Deploy the new one before then.
            </>
          ) : (
            "The previous secret has stopped working."
          )}
        </p>
      ) : null}
      <Example secret={revealed.secret} />
    </ShowOnceSecret>
  );
}
