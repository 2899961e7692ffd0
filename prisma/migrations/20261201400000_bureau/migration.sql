-- Issue 12: the bureau's figures. Person-time rollups kept exact by a trigger,
-- targets as data.

-- ─── HourRollup: net minutes per enrollment per month and per year ──────────
-- The person-time figures (app/models/person-times.server.ts) read whole
-- months and years from here and only the days at the edges of a range from
-- the ledger. Written by the trigger below in the same transaction as the
-- ledger rows, so it is never behind and never off: a rolled-back insert
-- rolls its rollup back with it. HourEntry is append-only (no UPDATE, DELETE
-- or TRUNCATE), so INSERT is the only event to follow.
CREATE TYPE "RollupGrain" AS ENUM ('month', 'year');

CREATE TABLE "HourRollup" (
    "grain" "RollupGrain" NOT NULL,
    "periodStart" DATE NOT NULL,
    "enrollmentId" TEXT NOT NULL,
    "minutes" INTEGER NOT NULL,
    CONSTRAINT "HourRollup_pkey" PRIMARY KEY ("grain", "periodStart", "enrollmentId")
);

CREATE FUNCTION "xx_hour_rollup"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- One statement per INSERT statement (createMany, COPY batches): rows grouped
  -- first, keys in a fixed order so concurrent writers lock them in the same order.
  INSERT INTO "HourRollup" ("grain", "periodStart", "enrollmentId", "minutes")
  SELECT g.grain, g.start, n."enrollmentId", SUM(n."minutes")
  FROM new_rows n
  CROSS JOIN LATERAL (VALUES
    ('month'::"RollupGrain", date_trunc('month', n."occurredOn"::timestamp)::date),
    ('year'::"RollupGrain", date_trunc('year', n."occurredOn"::timestamp)::date)
  ) AS g(grain, start)
  GROUP BY g.grain, g.start, n."enrollmentId"
  ORDER BY g.grain, g.start, n."enrollmentId"
  ON CONFLICT ("grain", "periodStart", "enrollmentId") DO UPDATE SET "minutes" = "HourRollup"."minutes" + EXCLUDED."minutes";
  RETURN NULL;
END $$;

CREATE TRIGGER "HourEntry_rollup" AFTER INSERT ON "HourEntry"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "xx_hour_rollup"();

-- The rows already in the ledger.
INSERT INTO "HourRollup" ("grain", "periodStart", "enrollmentId", "minutes")
SELECT g.grain, g.start, h."enrollmentId", SUM(h."minutes")
FROM "HourEntry" h
CROSS JOIN LATERAL (VALUES
  ('month'::"RollupGrain", date_trunc('month', h."occurredOn"::timestamp)::date),
  ('year'::"RollupGrain", date_trunc('year', h."occurredOn"::timestamp)::date)
) AS g(grain, start)
GROUP BY g.grain, g.start, h."enrollmentId";

-- The days at the edges of an arbitrary range (the API's from/to) are read
-- from the ledger by date.
CREATE INDEX "HourEntry_occurredOn_idx" ON "HourEntry"("occurredOn");
-- Completions by issue date.
CREATE INDEX "Certificate_issuedAt_idx" ON "Certificate"("issuedAt");

-- ─── Targets ─────────────────────────────────────────────────────────────
CREATE TYPE "TargetMetric" AS ENUM ('person_times', 'persons', 'person_hours', 'completions', 'enrolled');

CREATE TABLE "Target" (
    "id" TEXT NOT NULL,
    "regionId" TEXT NOT NULL,
    "programCode" TEXT NOT NULL,
    "metric" "TargetMetric" NOT NULL,
    "periodStartYear" INTEGER NOT NULL,
    "periodEndYear" INTEGER NOT NULL,
    "value" INTEGER NOT NULL,
    -- '' = every round; else only rounds carrying this tag (e.g. rural)
    "roundTag" TEXT NOT NULL DEFAULT '',
    "label" TEXT NOT NULL DEFAULT '',
    "fromContent" BOOLEAN NOT NULL DEFAULT false,
    "updatedById" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Target_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "Target_period_order" CHECK ("periodStartYear" <= "periodEndYear"),
    CONSTRAINT "Target_value_positive" CHECK ("value" > 0)
);
CREATE UNIQUE INDEX "Target_one_per_scope_key"
  ON "Target"("regionId", "programCode", "metric", "periodStartYear", "periodEndYear", "roundTag");
ALTER TABLE "Target" ADD CONSTRAINT "Target_regionId_fkey" FOREIGN KEY ("regionId") REFERENCES "Region"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
