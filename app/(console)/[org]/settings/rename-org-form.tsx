"use client";

import { useState } from "react";
import { renameOrgAction } from "@/lib/orgs/actions";
import { FormError, HiddenFields } from "@/components/forms/form-error";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";

export function RenameOrgForm({ orgId, name }: { orgId: string; name: string }) {
  const [saved, setSaved] = useState(false);
  const { pending, formRef, onSubmit, fieldError, failure } = useActionForm(renameOrgAction, { onSuccess: () => setSaved(true) });
  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-3">
      <HiddenFields fields={{ orgId }} />
      <div className="flex flex-wrap items-start gap-3">
        <TextField
          id="org-rename"
          name="name"
          label="Organisation name"
          defaultValue={name}
          required
          maxLength={80}
          autoComplete="organization"
          fieldClassName="w-full max-w-sm"
          error={fieldError("name")}
          onChange={() => setSaved(false)}
        />
        <Button type="submit" variant="primary" pending={pending} className="sm:mt-[1.625rem]">
          Save name
        </Button>
      </div>
      <FormError failure={failure} />
      <p role="status" className="text-[0.8125rem] text-emerald-700 empty:hidden">
        {saved ? "Organisation renamed." : null}
      </p>
    </form>
  );
}
