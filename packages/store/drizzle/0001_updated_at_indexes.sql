CREATE INDEX `idx_dag_run_updated_at` ON `dag_run` (`updated_at`);--> statement-breakpoint
CREATE INDEX `ti_updated_at` ON `task_instance` (`updated_at`);