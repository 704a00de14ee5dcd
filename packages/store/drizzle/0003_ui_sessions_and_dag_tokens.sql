CREATE TABLE `ui_session` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`principal` text NOT NULL,
	`scope` text NOT NULL,
	`dags` text,
	`token_id` integer,
	`csrf_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `idx_ui_session_expires_at` ON `ui_session` (`expires_at`);--> statement-breakpoint
ALTER TABLE `api_token` ADD `dags` text;