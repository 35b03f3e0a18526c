CREATE TABLE `audit_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event` text NOT NULL,
	`numic_hmac` text,
	`at` integer NOT NULL,
	`outcome` text NOT NULL,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `audit_numic_at_idx` ON `audit_events` (`numic_hmac`,`at`);--> statement-breakpoint
CREATE INDEX `audit_at_idx` ON `audit_events` (`at`);--> statement-breakpoint
CREATE TABLE `elections` (
	`id` integer PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`opens_at` integer NOT NULL,
	`closes_at` integer NOT NULL,
	`roll_loaded_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `voters` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`election_id` integer NOT NULL,
	`numic` text NOT NULL,
	`email` text NOT NULL,
	`phone` text NOT NULL,
	`identifier_hmac` text NOT NULL,
	`password_hash` text NOT NULL,
	`language` text DEFAULT 'fr' NOT NULL,
	`session_generation` integer DEFAULT 0 NOT NULL,
	`identifier_renewed_at` integer,
	`password_renewed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `voters_numic_uq` ON `voters` (`numic`);--> statement-breakpoint
CREATE UNIQUE INDEX `voters_identifier_hmac_uq` ON `voters` (`identifier_hmac`);--> statement-breakpoint
CREATE INDEX `voters_election_idx` ON `voters` (`election_id`);