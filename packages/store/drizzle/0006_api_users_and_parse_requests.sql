CREATE TABLE `dag_priority_parsing_request` (
	`fileloc` text PRIMARY KEY NOT NULL,
	`requested_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `ab_user` ADD `email` text;--> statement-breakpoint
ALTER TABLE `ab_user` ADD `first_name` text;--> statement-breakpoint
ALTER TABLE `ab_user` ADD `last_name` text;--> statement-breakpoint
ALTER TABLE `ab_user` ADD `changed_on` integer;