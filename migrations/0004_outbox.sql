CREATE TABLE `outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`body` text,
	`created_at` integer NOT NULL,
	`relayed_at` integer,
	`done_at` integer,
	`confirms` text
);
--> statement-breakpoint
CREATE INDEX `outbox_pending_idx` ON `outbox` (`done_at`,`relayed_at`);