// Tests of the connections files in Airflow's formats: what an export writes reads back the same
// in JSON, YAML and .env (URI or JSON lines), and import files' mistakes are named.
import { describe, expect, it } from "vitest";
import { fileFormat, formatConnectionsFile, parseConnectionsFile, type NamedConnection } from "./connection-files.ts";

const CONNS: NamedConnection[] = [
  { connId: "pg", connType: "postgres", description: "warehouse", host: "db.internal", schema: "sales", login: "etl", password: "p@ss:w/rd", port: 5432, extra: '{"sslmode":"require"}' },
  { connId: "gcp", connType: "google_cloud_platform", description: null, host: null, schema: null, login: null, password: null, port: null, extra: '{"project":"p","timeout":30}' },
  { connId: "spark", connType: "spark", description: null, host: "k8s://100.68.0.1", schema: null, login: null, password: null, port: 443, extra: null },
];

describe("connections files", () => {
  it.each([["json", "uri"], ["yaml", "uri"], ["env", "uri"], ["env", "json"]] as const)("reads back what it writes as %s (%s)", (format, serialization) => {
    const text = formatConnectionsFile(CONNS, format, serialization);
    const back = parseConnectionsFile(text, format, `f.${format}`);
    // A URI carries no description, and parses a missing host or schema as "", as Airflow's does.
    const expected = format === "env" && serialization === "uri" ? CONNS.map((c) => ({ ...c, description: null, host: c.host ?? "", schema: c.schema ?? "" })) : CONNS;
    expect(back.map((c) => ({ ...c, extra: c.extra && JSON.parse(c.extra) }))).toEqual(expected.map((c) => ({ ...c, extra: c.extra && JSON.parse(c.extra) })));
  });

  it("tells the format from the name or --format", () => {
    expect(fileFormat("a.JSON")).toBe("json");
    expect(fileFormat("a.yml")).toBe("yaml");
    expect(fileFormat("a.env")).toBe("env");
    expect(fileFormat("-")).toBe("json");
    expect(fileFormat("a.txt", "env")).toBe("env");
    expect(() => fileFormat("a.txt")).toThrow('"a.txt": cannot tell the format from the name');
  });

  it("names the file, line and connection of a mistake", () => {
    expect(() => parseConnectionsFile("x\n", "env", "c.env")).toThrow('"c.env" line 1: expected conn_id=URI');
    expect(() => parseConnectionsFile("a=http://h\na=http://i\n", "env", "c.env")).toThrow('"c.env" line 2: connection "a" is given twice');
    expect(() => parseConnectionsFile('{"a": {"conn_type": "http", "conn_id": "b"}}', "json", "c.json")).toThrow('"c.json": connection "a": its "conn_id" is "b", not its key "a"');
    expect(() => parseConnectionsFile("a: [1]\n", "yaml", "c.yaml")).toThrow('"c.yaml": connection "a": expected a URI or an object of fields');
    expect(() => parseConnectionsFile("{", "json", "c.json")).toThrow(/"c.json": not valid JSON/);
  });
});
