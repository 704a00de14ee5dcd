// Shell tasks with templates (Jinja syntax): dates of the run, params (overridable by the run's
// conf), and an upstream XCom. Exit code 99 skips a task; the last line of stdout is its XCom.
import { dag, task, shell, chain } from "@updraft/sdk";

export default dag(
  {
    id: "shell_templates",
    schedule: "@daily",
    startDate: "2026-01-01",
    isPausedUponCreation: false,
    params: { bucket: "s3://example-bucket", skip_archive: false },
    tags: ["example", "shell"],
    description: "Templated shell commands.",
  },
  () => {
    const count = task("count_files", () => 42);
    const list = shell("list", { command: 'echo "listing {{ params.bucket }}/{{ ds_nodash }}/ ({{ xcom(\'count_files\') }} files, run {{ run_id }})"' });
    const archive = shell("archive", {
      command: 'if [ "{{ params.skip_archive }}" = "true" ]; then echo "archive skipped"; exit 99; fi; echo "archived to $TARGET"',
      env: { TARGET: "{{ params.bucket }}/archive/{{ ds }}" },
    });
    chain(count(), list, archive);
  },
);
