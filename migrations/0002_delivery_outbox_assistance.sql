CREATE TABLE `assistance_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`reference` text NOT NULL,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`numic` text,
	`topic` text NOT NULL,
	`message` text NOT NULL,
	`language` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `assistance_reference_uq` ON `assistance_requests` (`reference`);--> statement-breakpoint
CREATE INDEX `assistance_created_idx` ON `assistance_requests` (`created_at`);--> statement-breakpoint
CREATE TABLE `delivery_outcomes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`message_id` text NOT NULL,
	`channel` text NOT NULL,
	`purpose` text NOT NULL,
	`numic_hmac` text,
	`status` text NOT NULL,
	`attempts` integer NOT NULL,
	`provider` text NOT NULL,
	`provider_answer` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `delivery_message_idx` ON `delivery_outcomes` (`message_id`);--> statement-breakpoint
CREATE INDEX `delivery_created_idx` ON `delivery_outcomes` (`created_at`);--> statement-breakpoint
CREATE TABLE `dev_outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`channel` text NOT NULL,
	`to` text NOT NULL,
	`subject` text,
	`text` text NOT NULL,
	`html` text,
	`created_at` integer NOT NULL
);
