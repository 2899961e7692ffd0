-- Issue 12: quarters become a grain of HourRollup (a quarter is the dashboard's and the quarterly
-- report's period; read as one range scan instead of three months added up). On its own because a
-- new enum value cannot be used in the transaction that adds it; 20261201690000_rollup_facts writes
-- the quarterly rows.
ALTER TYPE "RollupGrain" ADD VALUE IF NOT EXISTS 'quarter' BEFORE 'year';
