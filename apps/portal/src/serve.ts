// `npm start` in apps/portal: serves the example portal page on its own port.
//   UPDRAFT_URL=http://127.0.0.1:8080 UPDRAFT_TOKEN=updr_… UPDRAFT_DAG=daily_sales PORTAL_PORT=8090 npm start
// The Updraft server must allow this origin: UPDRAFT_CORS_ORIGINS=http://127.0.0.1:8090.
import type { AddressInfo } from "node:net";
import { configFromEnv, PortalConfigError, startPortal } from "./portal-server.ts";

try {
  const config = configFromEnv(process.env);
  const server = await startPortal(config);
  const { port } = server.address() as AddressInfo;
  const origin = `http://${config.host}:${port}`;
  console.log(`Acme data portal on ${origin}/ (DAG ${config.dagId}, Updraft at ${config.updraftUrl})`);
  console.log(`The Updraft server must allow this origin: UPDRAFT_CORS_ORIGINS=${origin}`);
  const stop = () => server.close(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (err) {
  if (!(err instanceof PortalConfigError)) throw err;
  console.error(`portal: ${err.message}`);
  process.exit(2);
}
