-- The roll as operators load it (roll import): constituency and consulate, convocation and
-- deactivation times; credentials become optional (generated at convocation, not at import).
-- SQLite cannot drop NOT NULL in place, so the table is rebuilt (drizzle-kit's way). Voters
-- from before this migration hold credentials already: they count as convoked, constituency 1
-- (the demo loader sets the demo voters' own). No foreign key refers to voters.
CREATE TABLE `contests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`election_id` integer NOT NULL,
	`constituency` text NOT NULL,
	`question` text NOT NULL,
	`answers` text NOT NULL,
	`blank` integer NOT NULL,
	`ballot_set_up_at` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contests_constituency_uq` ON `contests` (`election_id`,`constituency`);--> statement-breakpoint
CREATE TABLE `__new_voters` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`election_id` integer NOT NULL,
	`numic` text NOT NULL,
	`email` text NOT NULL,
	`phone` text NOT NULL,
	`identifier_hmac` text,
	`password_hash` text,
	`language` text DEFAULT 'fr' NOT NULL,
	`constituency` text NOT NULL,
	`consulate` text,
	`convoked_at` integer,
	`deactivated_at` integer,
	`seen_run` text,
	`session_generation` integer DEFAULT 0 NOT NULL,
	`identifier_renewed_at` integer,
	`password_renewed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_voters`("id", "election_id", "numic", "email", "phone", "identifier_hmac", "password_hash", "language", "constituency", "consulate", "convoked_at", "deactivated_at", "seen_run", "session_generation", "identifier_renewed_at", "password_renewed_at", "created_at", "updated_at") SELECT "id", "election_id", "numic", "email", "phone", "identifier_hmac", "password_hash", "language", '1', NULL, "created_at", NULL, NULL, "session_generation", "identifier_renewed_at", "password_renewed_at", "created_at", "updated_at" FROM `voters`;--> statement-breakpoint
DROP TABLE `voters`;--> statement-breakpoint
ALTER TABLE `__new_voters` RENAME TO `voters`;--> statement-breakpoint
CREATE UNIQUE INDEX `voters_numic_uq` ON `voters` (`numic`);--> statement-breakpoint
CREATE UNIQUE INDEX `voters_identifier_hmac_uq` ON `voters` (`identifier_hmac`);--> statement-breakpoint
CREATE INDEX `voters_election_idx` ON `voters` (`election_id`);--> statement-breakpoint
CREATE INDEX `voters_deactivated_idx` ON `voters` (`deactivated_at`);