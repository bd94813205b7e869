-- Each planned action says where and why, for a person judging a plan: the Rescue group's name as the tree named
-- it when the plan was made (the id was only kept for creates; now for every action whose group is known), and the
-- cause as data (its sentence is also `reason`). Rows planned before this keep both empty: the portal shows their
-- `reason` as it always did, and nothing can be derived for them after the fact.
ALTER TABLE "sync_actions" ADD COLUMN "rescue_group_name" TEXT;
ALTER TABLE "sync_actions" ADD COLUMN "cause" JSONB;
