CREATE TABLE `scheduler_lease` (
	`name` text PRIMARY KEY NOT NULL,
	`epoch` integer NOT NULL,
	`holder` integer NOT NULL,
	`hostname` text,
	`pid` integer,
	`renewed_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE VIEW `scheduler_lease_fence` AS SELECT `epoch`, `holder`, `renewed_at`, `expires_at` FROM `scheduler_lease`;
--> statement-breakpoint
CREATE TRIGGER `scheduler_lease_fence_check` INSTEAD OF INSERT ON `scheduler_lease_fence`
BEGIN
	SELECT RAISE(ABORT, 'UPDRAFT_LEASE_LOST: the scheduler lease has another epoch or holder') WHERE NOT EXISTS (SELECT 1 FROM `scheduler_lease` WHERE `name` = 'scheduler' AND `epoch` = NEW.`epoch` AND `holder` = NEW.`holder`);
	UPDATE `scheduler_lease` SET `renewed_at` = NEW.`renewed_at`, `expires_at` = max(`expires_at`, NEW.`expires_at`) WHERE `name` = 'scheduler';
END;
