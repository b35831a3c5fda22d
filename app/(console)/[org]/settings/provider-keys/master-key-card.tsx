"use client";

import { useState, type FormEvent } from "react";
import type { z } from "zod";
import { rewrapVaultAction } from "@/lib/vault/actions";
import type { rewrapResultDto, vaultStatusDto } from "@/lib/vault/schemas";
import { FormError } from "@/components/forms/form-error";
import { useActionCall } from "@/components/forms/use-action-call";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Dialog } from "@/components/ui/dialog";

type VaultStatus = z.output<typeof vaultStatusDto>;
type RewrapResult = z.output<typeof rewrapResultDto>;

interface MasterKeyProps {
  orgId: string;
  /** null: the key ring could not be read or does not match the vault (details in the server log). */
  status: VaultStatus | null;
  canRewrap: boolean;
}

const keys = (n: number) => `${n} ${n === 1 ? "key" : "keys"}`;

/**
 * The master key (KEK) that wraps the org's data keys, how many live keys sit
 * under each, and for owners the re-wrap that moves them all under the active
 * one after a rotation.
 */
export function MasterKeyCard({ orgId, status, canRewrap }: MasterKeyProps) {
  const [result, setResult] = useState<RewrapResult | null>(null);
  return (
    <Card aria-labelledby="master-key-title">
      <CardHeader
        titleId="master-key-title"
        title="Master key"
        description="Each vaulted key is encrypted under a key of its own, which is in turn wrapped by a master key held outside the database. After the master key is rotated, re-wrap moves the org's keys under the new one without touching the provider keys themselves."
        actions={status && canRewrap ? <RewrapDialog orgId={orgId} pending={status.pending} onDone={setResult} /> : null}
      />
      <CardBody className="space-y-4">
        {status ? (
          <>
            <dl className="grid gap-x-6 gap-y-3 text-[0.8125rem] sm:grid-cols-3">
              <div className="space-y-0.5">
                <dt className="text-zinc-500">Active master key</dt>
                <dd className="font-mono text-zinc-900">{status.activeKekId}</dd>
              </div>
              <div className="space-y-0.5 sm:col-span-2">
                <dt className="text-zinc-500">Waiting for re-wrap</dt>
                <dd className="text-zinc-900">{status.pending === 0 ? "None: every live key is under the active master key." : keys(status.pending)}</dd>
              </div>
            </dl>
            {status.byKek.length > 0 ? (
              <table aria-label="Live keys by master key" className="w-full max-w-md border-collapse text-left text-[0.8125rem]">
                <thead>
                  <tr className="border-b border-zinc-200">
                    <th scope="col" className="py-1.5 pr-4 text-xs font-medium text-zinc-500">
                      Master key
                    </th>
                    <th scope="col" className="py-1.5 text-right text-xs font-medium text-zinc-500">
                      Live keys
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-zinc-100">
                  {status.byKek.map((group) => (
                    <tr key={group.kekId}>
                      <th scope="row" className="py-1.5 pr-4 font-normal">
                        <code className="font-mono text-zinc-900">{group.kekId}</code>{" "}
                        {group.kekId === status.activeKekId ? <Badge tone="success">Active</Badge> : <Badge tone="warning">Previous</Badge>}
                      </th>
                      <td className="py-1.5 text-right text-zinc-700 tabular-nums">{group.count}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p className="text-[0.8125rem] text-zinc-500">No live key is in the vault yet.</p>
            )}
            {canRewrap ? null : (
              <p className="text-xs text-zinc-500">Only owners can re-wrap the org&apos;s keys; the operator can also run it for every org (npm run vault:rewrap).</p>
            )}
          </>
        ) : (
          <Alert tone="error" live="none" title="The master key is not available">
            The server&apos;s master key ring could not be read or does not match the one this vault was sealed with, so keys can be listed but not added,
            replaced or used. The server log has the details.
          </Alert>
        )}
        {result ? (
          <Alert tone={result.failed > 0 ? "warning" : "success"}>
            Re-wrapped {keys(result.rewrapped)} under {result.activeKekId}
            {result.failed > 0 ? `, ${result.failed} failed` : ""}; {result.pending === 0 ? "none pending." : `${keys(result.pending)} pending.`}
          </Alert>
        ) : null}
      </CardBody>
    </Card>
  );
}

function RewrapDialog({ orgId, pending: waiting, onDone }: { orgId: string; pending: number; onDone: (result: RewrapResult) => void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button aria-haspopup="dialog" onClick={() => setOpen(true)}>
        Re-wrap under the active master key
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title="Re-wrap the org's keys?"
        description={
          <>
            Every live key of this org not yet under the active master key ({keys(waiting)} now) has its data key unwrapped with the old master key and
            wrapped again with the active one. The provider keys themselves are not decrypted or changed; the change is recorded in the audit log.
          </>
        }
      >
        <RewrapForm orgId={orgId} onDone={onDone} onClose={() => setOpen(false)} />
      </Dialog>
    </>
  );
}

function RewrapForm({ orgId, onDone, onClose }: { orgId: string; onDone: (result: RewrapResult) => void; onClose: () => void }) {
  const { pending, run, failure } = useActionCall(rewrapVaultAction, {
    onSuccess: (result) => {
      onClose();
      onDone(result);
    },
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    run({ orgId, confirm: true });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <FormError failure={failure} />
      <div className="flex justify-end gap-2 pt-1">
        <Button onClick={onClose}>Cancel</Button>
        <Button type="submit" variant="primary" pending={pending}>
          Re-wrap keys
        </Button>
      </div>
    </form>
  );
}
