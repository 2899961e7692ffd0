-- Issue 5: certificate batches (批量颁发), run by the BullMQ worker; progress survives restarts.

CREATE TYPE "CertificateBatchStatus" AS ENUM ('queued', 'running', 'done', 'failed');

CREATE TABLE "CertificateBatch" (
    "id" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "type" "CertificateType" NOT NULL,
    "status" "CertificateBatchStatus" NOT NULL DEFAULT 'queued',
    "enrollmentIds" JSONB NOT NULL,
    "total" INTEGER NOT NULL,
    "issued" INTEGER NOT NULL DEFAULT 0,
    "createdById" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMPTZ(3),
    "error" TEXT,
    CONSTRAINT "CertificateBatch_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "CertificateBatch_groupId_createdAt_idx" ON "CertificateBatch"("groupId", "createdAt");
ALTER TABLE "CertificateBatch" ADD CONSTRAINT "CertificateBatch_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "Group"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
CREATE INDEX "Certificate_batchId_idx" ON "Certificate"("batchId");
