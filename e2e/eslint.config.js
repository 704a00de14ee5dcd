// The repository's lint rules, minus fixture files that are broken on purpose (a DAG file with a
// syntax error, for the load-error tests of `updraft dags test`).
import root from "../eslint.config.js";

export default [...root, { ignores: ["dags-test/fixtures/**/broken_*.ts"] }];
