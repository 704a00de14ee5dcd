// Errors of the worker runtime. Each names the task, bundle or command concerned.

/** A bundle that cannot be imported, or that lacks the DAG asked for. */
export class BundleLoadError extends Error {
  override name = "BundleLoadError";
}

/** A template that does not render: unknown variable, syntax error, missing variable or connection. */
export class TemplateError extends Error {
  override name = "TemplateError";
}

/** A sensor that did not see its condition before its timeout. Not retried (Airflow's AirflowSensorTimeout). */
export class SensorTimeoutError extends Error {
  override name = "SensorTimeoutError";
}

/** A shell command that exited with a non-zero code other than 99. */
export class ShellCommandError extends Error {
  override name = "ShellCommandError";
}

/** A bundle a remote worker could not fetch from the server, or whose content did not match its hash. */
export class BundleDownloadError extends Error {
  override name = "BundleDownloadError";
}
