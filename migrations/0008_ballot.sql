CREATE TABLE `ballot_credentials` (
	`voter_id` integer PRIMARY KEY NOT NULL,
	`constituency` text NOT NULL,
	`public_credential` text NOT NULL,
	`sealed` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ballot_credentials_constituency_idx` ON `ballot_credentials` (`constituency`,`voter_id`);--> statement-breakpoint
CREATE TABLE `ballot_setups` (
	`constituency` text PRIMARY KEY NOT NULL,
	`uuid` text NOT NULL,
	`election_json` text NOT NULL,
	`trustees_json` text NOT NULL,
	`created_at` integer NOT NULL,
	`frozen_at` integer
);
