CREATE TABLE `ballot_results` (
	`constituency` text PRIMARY KEY NOT NULL,
	`uuid` text NOT NULL,
	`fingerprint` text NOT NULL,
	`question` text NOT NULL,
	`counts` text NOT NULL,
	`blank` integer,
	`ballots` integer NOT NULL,
	`result_hash` text NOT NULL,
	`published_at` integer NOT NULL
);
