"use client";

import { createColumnHelper } from "@tanstack/react-table";
import Link from "next/link";
import { useParams } from "next/navigation";
import { useMemo, useState } from "react";
import { createProjectAction, deleteProjectAction, renameProjectAction } from "@/lib/projects/actions";
import { DataTable } from "@/components/data-table/data-table";
import { FormError, HiddenFields } from "@/components/forms/form-error";
import { useActionForm } from "@/components/forms/use-action-form";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { describedBy, TextField } from "@/components/ui/field";
import { Input } from "@/components/ui/input";

export interface ProjectRow {
  id: string;
  name: string;
  createdAt: string;
  created: string;
}

const column = createColumnHelper<ProjectRow>();

function CreateProjectForm({ orgId }: { orgId: string }) {
  const [created, setCreated] = useState<string | null>(null);
  const { pending, formRef, onSubmit, fieldError, failure } = useActionForm(createProjectAction, {
    resetOnSuccess: true,
    onSuccess: (project) => setCreated(project.name),
  });
  const error = fieldError("name");
  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-3 border-b border-zinc-100 px-5 py-4">
      <HiddenFields fields={{ orgId }} />
      <div className="flex flex-wrap items-start gap-3">
        <div className="w-full max-w-sm space-y-1.5">
          <label htmlFor="project-name" className="block text-[0.8125rem] font-medium text-zinc-800">
            Project name
          </label>
          <Input
            id="project-name"
            name="name"
            required
            maxLength={60}
            placeholder="e.g. support-bot"
            aria-invalid={error ? true : undefined}
            aria-describedby={describedBy("project-name", undefined, error)}
            onChange={() => setCreated(null)}
          />
          {error ? (
            <p id="project-name-error" className="text-xs font-medium text-red-700">
              {error}
            </p>
          ) : null}
        </div>
        <Button type="submit" variant="primary" pending={pending} className="sm:mt-[1.625rem]">
          Create project
        </Button>
      </div>
      <FormError failure={failure} />
      <div role="status" className="text-[0.8125rem] text-emerald-700 empty:hidden">
        {created ? `Project “${created}” created.` : null}
      </div>
    </form>
  );
}

function RowActions({ orgId, project }: { orgId: string; project: ProjectRow }) {
  return (
    <div className="flex justify-end gap-1.5">
      <ConfirmDialog
        trigger={{ label: "Rename", ariaLabel: `Rename ${project.name}`, variant: "ghost" }}
        title="Rename project"
        description={
          <>
            Currently <strong className="font-medium text-zinc-900">{project.name}</strong>. API keys and settings stay attached.
          </>
        }
        tone="primary"
        confirmLabel="Save name"
        action={renameProjectAction}
        fields={{ orgId, projectId: project.id }}
      >
        {(errors) => (
          <TextField id={`rename-${project.id}`} name="name" label="New project name" defaultValue={project.name} required maxLength={60} error={errors.name} />
        )}
      </ConfirmDialog>
      <ConfirmDialog
        trigger={{ label: "Delete", ariaLabel: `Delete ${project.name}`, variant: "ghost" }}
        title={`Delete ${project.name}?`}
        description="The project and its settings are deleted permanently. This cannot be undone."
        confirmLabel="Delete project"
        action={deleteProjectAction}
        fields={{ orgId, projectId: project.id }}
      />
    </div>
  );
}

export function ProjectsView({ orgId, canWrite, canOpen, projects }: { orgId: string; canWrite: boolean; canOpen: boolean; projects: ProjectRow[] }) {
  const { org } = useParams<{ org: string }>();
  const columns = useMemo(
    () => [
      column.accessor("name", {
        header: "Name",
        cell: (info) =>
          canOpen ? (
            <Link href={`/${org}/projects/${info.row.original.id}`} className="rounded hover:text-accent-700 hover:underline hover:underline-offset-2">
              {info.getValue()}
            </Link>
          ) : (
            info.getValue()
          ),
        meta: { rowHeader: true, className: "min-w-40 break-words" },
      }),
      column.accessor("createdAt", {
        header: "Created",
        cell: (info) => <time dateTime={info.getValue()}>{info.row.original.created}</time>,
        meta: { className: "w-56 whitespace-nowrap text-zinc-500" },
      }),
      ...(canWrite
        ? [
            column.display({
              id: "actions",
              header: () => <span className="sr-only">Actions</span>,
              cell: (info) => <RowActions orgId={orgId} project={info.row.original} />,
              meta: { align: "right" as const, className: "w-44" },
            }),
          ]
        : []),
    ],
    [canOpen, canWrite, org, orgId],
  );

  return (
    <div className="space-y-4">
      {!canWrite ? (
        <Alert tone="info" live="none">
          You have read-only access to projects. Ask an admin or owner for the Developer role to create, rename or delete them.
        </Alert>
      ) : null}
      <Card aria-labelledby="projects-title">
        <CardHeader
          titleId="projects-title"
          title="All projects"
          description={`${projects.length} ${projects.length === 1 ? "project" : "projects"} in this organisation`}
        />
        {canWrite ? <CreateProjectForm orgId={orgId} /> : null}
        <DataTable
          label="Projects"
          columns={columns}
          data={projects}
          getRowId={(row) => row.id}
          initialSorting={[{ id: "createdAt", desc: false }]}
          empty={canWrite ? "No projects yet. Create the first one above." : "No projects yet."}
        />
      </Card>
    </div>
  );
}
