ALTER TABLE `task_instance` ADD `submit_seq` integer;--> statement-breakpoint
ALTER TABLE `task_instance` ADD `submit_args` text;