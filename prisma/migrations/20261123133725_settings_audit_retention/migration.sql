-- AlterTable
ALTER TABLE "org_settings" ADD COLUMN     "audit_retention_days" INTEGER NOT NULL DEFAULT 365;

-- AlterTable
ALTER TABLE "project_settings" ADD COLUMN     "store_internal_debug" BOOLEAN;

-- CreateTable
CREATE TABLE "audit_checkpoints" (
    "id" UUID NOT NULL,
    "chain" TEXT NOT NULL,
    "through_seq" BIGINT NOT NULL,
    "last_hash" TEXT NOT NULL,
    "deleted_count" BIGINT NOT NULL,
    "cutoff" TIMESTAMPTZ(3) NOT NULL,
    "signature" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_checkpoints_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "retention_runs" (
    "id" UUID NOT NULL,
    "trigger" TEXT NOT NULL,
    "dry_run" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT NOT NULL,
    "counts" JSONB NOT NULL DEFAULT '{}',
    "totals" JSONB NOT NULL DEFAULT '{}',
    "error" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "retention_runs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "audit_checkpoints_chain_through_seq_key" ON "audit_checkpoints"("chain", "through_seq");

-- CreateIndex
CREATE INDEX "retention_runs_started_at_idx" ON "retention_runs"("started_at");

-- CreateIndex
CREATE INDEX "audit_logs_chain_action_seq_idx" ON "audit_logs"("chain", "action", "seq");

-- CreateIndex
CREATE INDEX "audit_logs_chain_actor_id_seq_idx" ON "audit_logs"("chain", "actor_id", "seq");

-- CreateIndex
CREATE INDEX "audit_logs_chain_target_id_seq_idx" ON "audit_logs"("chain", "target_id", "seq");

-- CreateIndex
CREATE INDEX "audit_logs_chain_created_at_idx" ON "audit_logs"("chain", "created_at");
