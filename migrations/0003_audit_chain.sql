ALTER TABLE `audit_events` ADD `chain` text;--> statement-breakpoint
ALTER TABLE `audit_events` ADD `seq` integer;--> statement-breakpoint
ALTER TABLE `audit_events` ADD `prev_hash` text;--> statement-breakpoint
ALTER TABLE `audit_events` ADD `hash` text;--> statement-breakpoint
CREATE UNIQUE INDEX `audit_chain_seq_uq` ON `audit_events` (`chain`,`seq`);--> statement-breakpoint
-- Written by hand (drizzle has no notion of triggers), like 0001.
-- REPLACE (`INSERT OR REPLACE`, `REPLACE INTO`) deletes the row in its way, then inserts; with
-- recursive_triggers off (SQLite's default, and D1's) no DELETE trigger fires, so 0001 never
-- saw it. Refuse, before the conflict is resolved, any insert that would take a row's id.
-- (An id left to AUTOINCREMENT is -1 here, which no row has.)
CREATE TRIGGER `audit_events_no_replace` BEFORE INSERT ON `audit_events`
WHEN EXISTS (SELECT 1 FROM `audit_events` WHERE `id` = NEW.`id`)
BEGIN
  SELECT RAISE(ABORT, 'audit_events is append-only');
END;
--> statement-breakpoint
-- Every new event is the next link of its chain: its seq follows the chain's last one and its
-- prev_hash is that event's hash (64 zeros for the first). This also refuses a REPLACE aimed at
-- a chain position (the unique index), an event without a chain, and a writer that lost a race
-- to another one: it gets this error, never a fork, and retries with the new head.
CREATE TRIGGER `audit_events_next_link` BEFORE INSERT ON `audit_events`
WHEN NEW.`chain` IS NULL
  OR NEW.`hash` IS NULL OR length(NEW.`hash`) <> 64
  OR NEW.`seq` IS NOT 1 + coalesce((SELECT max(`seq`) FROM `audit_events` WHERE `chain` = NEW.`chain`), 0)
  OR NEW.`prev_hash` IS NOT coalesce(
    (SELECT `hash` FROM `audit_events` WHERE `chain` = NEW.`chain` AND `seq` = NEW.`seq` - 1),
    '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN
  SELECT RAISE(ABORT, 'audit_events is append-only: not the next link of its chain');
END;
