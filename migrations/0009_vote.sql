CREATE TABLE `trackers` (
	`tracker` text PRIMARY KEY NOT NULL,
	`constituency` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `ballot_credentials` ADD `voted_at` integer;