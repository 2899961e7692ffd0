-- Issue 12: the roster import (花名册导入). An upload is checked row by row into
-- RosterImportRow (the preview); confirmed, its new rows become persons with
-- their accounts in batches, each batch one transaction that also moves the
-- import's cursor (lastRowNumber), so a killed import resumes where it stopped
-- and leaves no half-written row. The file itself is never kept.

CREATE TYPE "RosterImportStatus" AS ENUM ('previewed', 'queued', 'importing', 'done', 'failed');
CREATE TYPE "RosterRowOutcome" AS ENUM ('new', 'existing', 'refused');

CREATE TABLE "RosterImport" (
    "id" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "scopePath" TEXT,
    "fileName" TEXT NOT NULL,
    "fileKind" TEXT NOT NULL,
    "encoding" TEXT,
    "fileSha256" TEXT NOT NULL,
    "personKind" "PersonKind" NOT NULL DEFAULT 'adult_learner',
    "header" JSONB NOT NULL,
    "status" "RosterImportStatus" NOT NULL DEFAULT 'previewed',
    "totalRows" INTEGER NOT NULL DEFAULT 0,
    "newRows" INTEGER NOT NULL DEFAULT 0,
    "existingRows" INTEGER NOT NULL DEFAULT 0,
    "refusedRows" INTEGER NOT NULL DEFAULT 0,
    "warningRows" INTEGER NOT NULL DEFAULT 0,
    "processedRows" INTEGER NOT NULL DEFAULT 0,
    "createdCount" INTEGER NOT NULL DEFAULT 0,
    "skippedCount" INTEGER NOT NULL DEFAULT 0,
    "lastRowNumber" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "confirmedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    CONSTRAINT "RosterImport_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "RosterImport_createdById_createdAt_idx" ON "RosterImport"("createdById", "createdAt");

CREATE TABLE "RosterImportRow" (
    "importId" TEXT NOT NULL,
    "rowNumber" INTEGER NOT NULL,
    "outcome" "RosterRowOutcome" NOT NULL,
    "issues" JSONB NOT NULL,
    "warning" BOOLEAN NOT NULL DEFAULT false,
    "name" TEXT NOT NULL,
    "idMasked" TEXT,
    "regionId" TEXT,
    "regionName" TEXT,
    "idCipher" TEXT,
    "idHmac" TEXT,
    "gender" "Gender",
    "birthDate" DATE,
    "phoneCipher" TEXT,
    "phoneMasked" TEXT,
    "phoneHmac" TEXT,
    "priorEducation" "PriorEducation",
    "personId" TEXT,
    "result" TEXT,
    CONSTRAINT "RosterImportRow_pkey" PRIMARY KEY ("importId", "rowNumber")
);
CREATE INDEX "RosterImportRow_importId_outcome_idx" ON "RosterImportRow"("importId", "outcome");
ALTER TABLE "RosterImportRow" ADD CONSTRAINT "RosterImportRow_importId_fkey" FOREIGN KEY ("importId") REFERENCES "RosterImport"("id") ON DELETE CASCADE ON UPDATE CASCADE;
