"use client";

import { useEffect, useState, type FormEvent } from "react";
import { rotateApiKeyAction } from "@/lib/api-keys/actions";
import { DEFAULT_GRACE_SECONDS, MAX_GRACE_SECONDS } from "@/lib/api-keys/schemas";
import { FormError } from "@/components/forms/form-error";
import { useActionCall } from "@/components/forms/use-action-call";
import { formatDateTime } from "@/components/format";
import { Button } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import { Dialog } from "@/components/ui/dialog";
import type { KeyRow } from "./key-draft";
import type { RevealedSecret } from "./secret-dialog";

const GRACE_CHOICES = [
  { seconds: 0, label: "None", text: "The current secret stops working now. Choose this if the key has leaked." },
  { seconds: 60 * 60, label: "1 hour", text: "Enough for a quick redeploy." },
  { seconds: DEFAULT_GRACE_SECONDS, label: "24 hours", text: "Time to roll the new secret out everywhere." },
  { seconds: MAX_GRACE_SECONDS, label: "7 days", text: "For clients you cannot update quickly." },
] as const;

interface RotateProps {
  orgId: string;
  apiKey: KeyRow;
  onRotated: (revealed: RevealedSecret) => void;
}

/** "Rotate" on a key's row: a new secret now, the old one kept for a grace window. */
export function RotateDialog(props: RotateProps) {
  const [open, setOpen] = useState(false);
  // While the rotation runs the dialog stays open: closing it would lose the only copy of the new secret.
  const [busy, setBusy] = useState(false);
  const close = () => {
    if (!busy) setOpen(false);
  };
  const { apiKey } = props;
  return (
    <>
      <Button variant="ghost" size="sm" aria-label={`Rotate ${apiKey.name}`} aria-haspopup="dialog" onClick={() => setOpen(true)}>
        Rotate
      </Button>
      <Dialog
        open={open}
        onClose={close}
        title={`Rotate ${apiKey.name}?`}
        description="A new secret is issued at once and shown once. The key keeps its name, scopes and restrictions; the current secret keeps working for the grace window you choose, so clients can switch without an outage."
      >
        <RotateForm {...props} onBusy={setBusy} onClose={() => setOpen(false)} />
      </Dialog>
    </>
  );
}

function RotateForm({ orgId, apiKey, onRotated, onBusy, onClose }: RotateProps & { onBusy: (busy: boolean) => void; onClose: () => void }) {
  const [grace, setGrace] = useState<number>(DEFAULT_GRACE_SECONDS);
  const { pending, run, failure } = useActionCall(rotateApiKeyAction, {
    onSuccess: (key) => {
      onClose();
      const graceEnd = key.previousSecretExpiresAt;
      onRotated({ kind: "rotated", name: key.name, secret: key.secret, previousSecretExpiresAt: graceEnd ? new Date(graceEnd).toISOString() : null });
    },
  });

  useEffect(() => onBusy(pending), [onBusy, pending]);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    run({ orgId, projectId: apiKey.projectId, keyId: apiKey.id, graceSeconds: grace });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <fieldset className="space-y-2">
        <legend className="mb-2 text-[0.8125rem] font-medium text-zinc-800">Grace window for the current secret</legend>
        {GRACE_CHOICES.map((choice) => (
          <label
            key={choice.seconds}
            className={cx(
              "flex cursor-pointer items-start gap-2.5 rounded-md border px-3 py-2 text-[0.8125rem]",
              grace === choice.seconds ? "border-accent-600 bg-accent-50/50" : "border-zinc-200 hover:bg-zinc-50",
            )}
          >
            <input
              type="radio"
              name="graceSeconds"
              value={choice.seconds}
              checked={grace === choice.seconds}
              onChange={() => setGrace(choice.seconds)}
              className="mt-0.5 size-4 accent-accent-600"
            />
            <span className="min-w-0">
              <span className="block font-medium text-zinc-900">
                {choice.label}
                {choice.seconds === DEFAULT_GRACE_SECONDS ? <span className="font-normal text-zinc-500"> (default)</span> : null}
              </span>
              <span className="block text-xs text-zinc-500">{choice.text}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {apiKey.previousSecretExpiresAt ? (
        <p className="text-xs text-zinc-600">
          A secret replaced earlier still works until {formatDateTime(apiKey.previousSecretExpiresAt)}; it will stop no later than the end of this new
          window.
        </p>
      ) : null}
      <FormError failure={failure} />
      <div className="flex justify-end gap-2 pt-1">
        <Button onClick={onClose} disabled={pending}>
          Cancel
        </Button>
        <Button type="submit" variant={grace === 0 ? "danger" : "primary"} pending={pending}>
          Rotate key
        </Button>
      </div>
    </form>
  );
}
