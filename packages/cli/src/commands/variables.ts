// `updraft variables get|set|list|delete`, `connections add|list|delete`, `pools set|list|delete`.
import { addConnection, deleteConnection, deletePool, deleteVariable, getVariable, listConnections, listPools, listVariables, recordEvent, setPool, setVariable } from "@updraft/store";
import type { Config } from "../config.ts";
import { NotFoundError, UsageError } from "../errors.ts";
import { withStore } from "./dags-admin.ts";
import { printTable } from "./output.ts";

export function variablesCommand(config: Config, sub: string | undefined, args: string[], output?: string): Promise<number> {
  return withStore(config, async (store) => {
    switch (sub) {
      case "get": {
        const value = await getVariable(store, need(args[0], "variables get KEY"));
        if (value === null) throw new NotFoundError(`variable "${args[0]}"`);
        console.log(value);
        return 0;
      }
      case "set":
        await setVariable(store, need(args[0], "variables set KEY VALUE"), need(args[1], "variables set KEY VALUE"));
        await recordEvent(store, { event: "variable.set", owner: "cli", extra: { key: args[0] } });
        return 0;
      case "delete":
        if (!(await deleteVariable(store, need(args[0], "variables delete KEY")))) throw new NotFoundError(`variable "${args[0]}"`);
        await recordEvent(store, { event: "variable.delete", owner: "cli", extra: { key: args[0] } });
        return 0;
      case "list":
        printTable((await listVariables(store)).map((v) => ({ key: v.key, description: v.description })), output);
        return 0;
      default:
        throw new UsageError(`variables: expected get, set, list or delete`);
    }
  });
}

export function connectionsCommand(config: Config, sub: string | undefined, args: string[], flags: Record<string, string | undefined>, output?: string): Promise<number> {
  return withStore(config, async (store) => {
    switch (sub) {
      case "add": {
        const connId = need(args[0], "connections add ID --conn-type T [--conn-host H] [--conn-login L] [--conn-password P] [--conn-port N] [--conn-schema S] [--conn-extra JSON]");
        const port = flags["conn-port"] === undefined ? null : Number(flags["conn-port"]);
        if (port !== null && !Number.isInteger(port)) throw new UsageError(`--conn-port: "${flags["conn-port"]}" is not a port number`);
        await addConnection(store, {
          connId, connType: need(flags["conn-type"], "connections add needs --conn-type"),
          host: flags["conn-host"] ?? null, login: flags["conn-login"] ?? null, password: flags["conn-password"] ?? null,
          schema: flags["conn-schema"] ?? null, port, extra: flags["conn-extra"] ?? null,
        });
        await recordEvent(store, { event: "connection.add", owner: "cli", extra: { conn_id: connId } });
        console.log(`connection ${connId} added`);
        return 0;
      }
      case "delete":
        if (!(await deleteConnection(store, need(args[0], "connections delete ID")))) throw new NotFoundError(`connection "${args[0]}"`);
        return 0;
      case "list":
        printTable((await listConnections(store)).map((c) => ({ conn_id: c.connId, conn_type: c.connType, host: c.host, port: c.port, login: c.login })), output);
        return 0;
      default:
        throw new UsageError(`connections: expected add, list or delete`);
    }
  });
}

export function poolsCommand(config: Config, sub: string | undefined, args: string[], output?: string): Promise<number> {
  return withStore(config, async (store) => {
    switch (sub) {
      case "set": {
        const slots = Number(need(args[1], "pools set NAME SLOTS [DESCRIPTION]"));
        if (!Number.isInteger(slots) || slots < -1) throw new UsageError(`pools set: SLOTS must be a whole number (-1 for unlimited), got "${args[1]}"`);
        await setPool(store, { pool: need(args[0], "pools set NAME SLOTS"), slots, description: args[2] ?? null });
        return 0;
      }
      case "delete":
        if (!(await deletePool(store, need(args[0], "pools delete NAME")))) throw new NotFoundError(`pool "${args[0]}"`);
        return 0;
      case "list":
        printTable((await listPools(store)).map((p) => ({ pool: p.pool, slots: p.slots, description: p.description })), output);
        return 0;
      default:
        throw new UsageError(`pools: expected set, list or delete`);
    }
  });
}

function need(value: string | undefined, usage: string): string {
  if (value === undefined || value === "") throw new UsageError(`usage: updraft ${usage}`);
  return value;
}
