-- The roster import reads an import's new rows in row order from its cursor,
-- 1,000 a batch: with (importId, outcome, rowNumber) each batch is one range
-- scan of the index instead of all the import's new rows sorted again (which
-- made a 100,000-row import quadratic). The old (importId, outcome) index is
-- its prefix, so it goes.
DROP INDEX "RosterImportRow_importId_outcome_idx";
CREATE INDEX "RosterImportRow_importId_outcome_rowNumber_idx" ON "RosterImportRow"("importId", "outcome", "rowNumber");
