CREATE TABLE `ab_user` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`password_hash` text NOT NULL,
	`role` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ab_user_username_key` ON `ab_user` (`username`);--> statement-breakpoint
CREATE TABLE `api_token` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`scope` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	`revoked_at` integer,
	`last_used_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_token_token_hash_key` ON `api_token` (`token_hash`);--> statement-breakpoint
CREATE TABLE `bundle` (
	`hash` text PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `connection` (
	`conn_id` text PRIMARY KEY NOT NULL,
	`conn_type` text NOT NULL,
	`description` text,
	`host` text,
	`schema` text,
	`login` text,
	`password` text,
	`port` integer,
	`extra` text,
	`is_encrypted` integer DEFAULT false NOT NULL,
	`is_extra_encrypted` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE `dag` (
	`dag_id` text PRIMARY KEY NOT NULL,
	`fileloc` text NOT NULL,
	`is_paused` integer DEFAULT false NOT NULL,
	`is_active` integer DEFAULT true NOT NULL,
	`has_import_errors` integer DEFAULT false NOT NULL,
	`last_parsed_time` integer,
	`version_hash` text,
	`description` text,
	`tags` text DEFAULT '[]' NOT NULL,
	`schedule_interval` text,
	`timetable_description` text,
	`max_active_runs` integer DEFAULT 16 NOT NULL,
	`max_active_tasks` integer DEFAULT 16 NOT NULL,
	`next_dagrun` integer,
	`next_dagrun_data_interval_start` integer,
	`next_dagrun_data_interval_end` integer,
	`next_dagrun_create_after` integer
);
--> statement-breakpoint
CREATE INDEX `idx_next_dagrun_create_after` ON `dag` (`next_dagrun_create_after`);--> statement-breakpoint
CREATE TABLE `dag_run` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dag_id` text NOT NULL,
	`run_id` text NOT NULL,
	`run_type` text NOT NULL,
	`state` text DEFAULT 'queued' NOT NULL,
	`logical_date` integer NOT NULL,
	`data_interval_start` integer,
	`data_interval_end` integer,
	`queued_at` integer,
	`start_date` integer,
	`end_date` integer,
	`conf` text,
	`external_trigger` integer DEFAULT false NOT NULL,
	`dag_version_id` integer,
	`note` text,
	`last_scheduling_decision` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`dag_version_id`) REFERENCES `dag_version`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `idx_dag_run_state` ON `dag_run` (`state`);--> statement-breakpoint
CREATE INDEX `idx_dag_run_dag_id_state` ON `dag_run` (`dag_id`,`state`);--> statement-breakpoint
CREATE UNIQUE INDEX `dag_run_dag_id_run_id_key` ON `dag_run` (`dag_id`,`run_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `dag_run_dag_id_logical_date_key` ON `dag_run` (`dag_id`,`logical_date`);--> statement-breakpoint
CREATE TABLE `dag_version` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dag_id` text NOT NULL,
	`version_hash` text NOT NULL,
	`bundle_hash` text,
	`serialized` text NOT NULL,
	`source` text NOT NULL,
	`fileloc` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`dag_id`) REFERENCES `dag`(`dag_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dag_version_dag_id_version_hash_key` ON `dag_version` (`dag_id`,`version_hash`);--> statement-breakpoint
CREATE TABLE `log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`dttm` integer NOT NULL,
	`dag_id` text,
	`task_id` text,
	`map_index` integer,
	`run_id` text,
	`try_number` integer,
	`event` text NOT NULL,
	`owner` text,
	`extra` text
);
--> statement-breakpoint
CREATE INDEX `idx_log_dttm` ON `log` (`dttm`);--> statement-breakpoint
CREATE INDEX `idx_log_event` ON `log` (`event`);--> statement-breakpoint
CREATE TABLE `import_error` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`filename` text NOT NULL,
	`stack_trace` text NOT NULL,
	`timestamp` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `import_error_filename_key` ON `import_error` (`filename`);--> statement-breakpoint
CREATE TABLE `job` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`job_type` text NOT NULL,
	`state` text,
	`hostname` text,
	`pid` integer,
	`start_date` integer,
	`end_date` integer,
	`latest_heartbeat` integer
);
--> statement-breakpoint
CREATE INDEX `idx_job_state_heartbeat` ON `job` (`state`,`latest_heartbeat`);--> statement-breakpoint
CREATE INDEX `idx_job_type_heartbeat` ON `job` (`job_type`,`latest_heartbeat`);--> statement-breakpoint
CREATE TABLE `slot_pool` (
	`pool` text PRIMARY KEY NOT NULL,
	`slots` integer NOT NULL,
	`description` text,
	`include_deferred` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE `task_instance` (
	`dag_id` text NOT NULL,
	`run_id` text NOT NULL,
	`task_id` text NOT NULL,
	`map_index` integer DEFAULT -1 NOT NULL,
	`state` text,
	`try_number` integer DEFAULT 0 NOT NULL,
	`max_tries` integer DEFAULT 0 NOT NULL,
	`start_date` integer,
	`end_date` integer,
	`duration` real,
	`hostname` text,
	`queue` text DEFAULT 'default' NOT NULL,
	`pool` text DEFAULT 'default_pool' NOT NULL,
	`pool_slots` integer DEFAULT 1 NOT NULL,
	`priority_weight` integer DEFAULT 1 NOT NULL,
	`operator` text,
	`queued_dttm` integer,
	`next_retry_at` integer,
	`next_poke_at` integer,
	`sensor_started_at` integer,
	`heartbeat_at` integer,
	`executor` text,
	`external_executor_id` text,
	`parent_task_id` text,
	`parent_map_index` integer,
	`rendered_map_index` text,
	`note` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`dag_id`, `run_id`, `task_id`, `map_index`),
	FOREIGN KEY (`dag_id`,`run_id`) REFERENCES `dag_run`(`dag_id`,`run_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ti_state` ON `task_instance` (`state`);--> statement-breakpoint
CREATE INDEX `ti_dag_run_state` ON `task_instance` (`dag_id`,`run_id`,`state`);--> statement-breakpoint
CREATE INDEX `ti_pool` ON `task_instance` (`pool`,`state`,`priority_weight`);--> statement-breakpoint
CREATE TABLE `task_instance_history` (
	`dag_id` text NOT NULL,
	`run_id` text NOT NULL,
	`task_id` text NOT NULL,
	`map_index` integer DEFAULT -1 NOT NULL,
	`try_number` integer NOT NULL,
	`state` text,
	`start_date` integer,
	`end_date` integer,
	`duration` real,
	`hostname` text,
	`queue` text,
	`error` text,
	PRIMARY KEY(`dag_id`, `run_id`, `task_id`, `map_index`, `try_number`),
	FOREIGN KEY (`dag_id`,`run_id`,`task_id`,`map_index`) REFERENCES `task_instance`(`dag_id`,`run_id`,`task_id`,`map_index`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `variable` (
	`key` text PRIMARY KEY NOT NULL,
	`val` text NOT NULL,
	`description` text,
	`is_encrypted` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE `xcom` (
	`dag_id` text NOT NULL,
	`run_id` text NOT NULL,
	`task_id` text NOT NULL,
	`map_index` integer DEFAULT -1 NOT NULL,
	`key` text NOT NULL,
	`value` text,
	`timestamp` integer NOT NULL,
	PRIMARY KEY(`dag_id`, `run_id`, `task_id`, `map_index`, `key`),
	FOREIGN KEY (`dag_id`,`run_id`,`task_id`,`map_index`) REFERENCES `task_instance`(`dag_id`,`run_id`,`task_id`,`map_index`) ON UPDATE no action ON DELETE cascade
);
