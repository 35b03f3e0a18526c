ALTER TABLE `elections` ADD `convocation_round` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `elections` ADD `convocation_open` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `voters` ADD `convoked_round` integer DEFAULT 0 NOT NULL;