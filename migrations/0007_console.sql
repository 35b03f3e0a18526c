CREATE TABLE `approvals` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`voter_id` integer NOT NULL,
	`numic_hmac` text NOT NULL,
	`payload` text NOT NULL,
	`reason` text NOT NULL,
	`requested_by` text NOT NULL,
	`requested_at` integer NOT NULL,
	`decided_by` text,
	`decided_at` integer,
	`outcome` text
);
--> statement-breakpoint
CREATE INDEX `approvals_pending_idx` ON `approvals` (`outcome`,`requested_at`);--> statement-breakpoint
CREATE TABLE `delivery_alerts` (
	`key` text PRIMARY KEY NOT NULL,
	`alerting` integer NOT NULL,
	`share_permille` integer NOT NULL,
	`changed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `delivery_receipts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`provider_message_id` text NOT NULL,
	`event` text NOT NULL,
	`at` integer NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `delivery_receipts_uq` ON `delivery_receipts` (`provider_message_id`,`event`);--> statement-breakpoint
ALTER TABLE `assistance_requests` ADD `status` text DEFAULT 'open' NOT NULL;--> statement-breakpoint
ALTER TABLE `assistance_requests` ADD `answer` text;--> statement-breakpoint
ALTER TABLE `assistance_requests` ADD `answered_at` integer;--> statement-breakpoint
ALTER TABLE `assistance_requests` ADD `answered_by` text;--> statement-breakpoint
ALTER TABLE `assistance_requests` ADD `closed_at` integer;--> statement-breakpoint
ALTER TABLE `assistance_requests` ADD `closed_by` text;--> statement-breakpoint
CREATE INDEX `assistance_status_idx` ON `assistance_requests` (`status`,`created_at`);--> statement-breakpoint
ALTER TABLE `delivery_outcomes` ADD `provider_message_id` text;--> statement-breakpoint
ALTER TABLE `delivery_outcomes` ADD `segment` text;--> statement-breakpoint
ALTER TABLE `delivery_outcomes` ADD `receipt` text;--> statement-breakpoint
ALTER TABLE `delivery_outcomes` ADD `receipt_at` integer;--> statement-breakpoint
CREATE INDEX `delivery_provider_id_idx` ON `delivery_outcomes` (`provider_message_id`);--> statement-breakpoint
CREATE INDEX `delivery_numic_idx` ON `delivery_outcomes` (`numic_hmac`,`created_at`);