"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { deleteOrgAction } from "@/lib/orgs/actions";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { TextField } from "@/components/ui/field";

export function DeleteOrg({ orgId, slug, name }: { orgId: string; slug: string; name: string }) {
  const router = useRouter();
  const [typed, setTyped] = useState("");
  return (
    <Card tone="danger" aria-labelledby="danger-title">
      <CardHeader titleId="danger-title" tone="danger" title="Danger zone" />
      <CardBody className="flex flex-wrap items-center justify-between gap-4">
        <div className="max-w-xl space-y-0.5 text-[0.8125rem]">
          <p className="font-medium text-zinc-900">Delete this organisation</p>
          <p className="text-zinc-600">
            Every member loses access at once, pending invitations are revoked and its projects become unreachable. The audit log is kept.
          </p>
        </div>
        <ConfirmDialog
          trigger={{ label: "Delete organisation", variant: "danger", size: "md" }}
          title={`Delete ${name}?`}
          description={
            <>
              This cannot be undone from the console. To confirm, type the organisation&apos;s slug,{" "}
              <code className="rounded bg-zinc-100 px-1 py-0.5 text-zinc-900">{slug}</code>, below.
            </>
          }
          confirmLabel="Delete this organisation"
          action={deleteOrgAction}
          fields={{ orgId }}
          confirmDisabled={typed.trim() !== slug}
          onOpenChange={() => setTyped("")}
          refresh={false}
          onSuccess={() => router.replace("/")}
        >
          {(errors) => (
            <TextField
              id="delete-org-confirm"
              name="confirm"
              label={`Type ${slug} to confirm`}
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
              error={errors.confirm}
            />
          )}
        </ConfirmDialog>
      </CardBody>
    </Card>
  );
}
