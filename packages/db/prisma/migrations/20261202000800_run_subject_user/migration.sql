-- Provisioning one user on demand: a run of one Entra user. The worker reads the groups as any run does, plans for
-- that user only (and its link only) and records the decision step by step in the run's report. Null for every
-- other run, including every existing one, so nothing needs a backfill.
ALTER TABLE "sync_runs" ADD COLUMN "subject_entra_user_id" TEXT;
