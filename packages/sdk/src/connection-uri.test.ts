// Tests of the connection URI and JSON forms: the URI cases of Airflow's test_connection.py
// (test_from_uri_params and test_connection_from_with_auth_info), their round trip through
// connectionToUri, the JSON form's normalisations, and the environment lookup.
import { describe, expect, it } from "vitest";
import { connectionToUri, parseConnectionJson, parseConnectionString, parseConnectionUri, toTaskConnection, type ConnectionFields } from "./connection-uri.ts";
import { connectionEnvName, connectionFromEnv, envConnectionIds } from "./connection-env.ts";
import { ConnectionFormatError } from "./errors.ts";

type Expect = Partial<Omit<ConnectionFields, "extra">> & { extra?: string | null; extraJson?: unknown };

// Airflow's test_from_uri_params: [uri, expected attributes, description].
const FROM_URI: Array<[string, Expect, string]> = [
  ["scheme://user:password@host%2Flocation:1234/schema", { connType: "scheme", host: "host/location", schema: "schema", login: "user", password: "password", port: 1234, extra: null }, "without extras"],
  ["scheme://user:password@host%2Flocation:1234/schema?extra1=a%20value&extra2=%2Fpath%2F", { connType: "scheme", host: "host/location", schema: "schema", login: "user", password: "password", port: 1234, extraJson: { extra1: "a value", extra2: "/path/" } }, "with extras"],
  ["scheme://user:password@host%2Flocation:1234/schema?__extra__=single+value", { connType: "scheme", host: "host/location", schema: "schema", login: "user", password: "password", port: 1234, extra: "single value" }, "with extras single value"],
  ["scheme://user:password@host%2Flocation:1234/schema?__extra__=arbitrary+string+%2A%29%2A%24", { host: "host/location", extra: "arbitrary string *)*$" }, "with extra non-json"],
  ["scheme://user:password@host%2Flocation:1234/schema?__extra__=%5B%22list%22%2C+%22of%22%2C+%22values%22%5D", { host: "host/location", port: 1234, extraJson: ["list", "of", "values"] }, "with extras list"],
  ["scheme://user:password@host%2Flocation:1234/schema?__extra__=%7B%22my_val%22%3A+%5B%22list%22%2C+%22of%22%2C+%22values%22%5D%2C+%22extra%22%3A+%7B%22nested%22%3A+%7B%22json%22%3A+%22val%22%7D%7D%7D", { schema: "schema", extraJson: { my_val: ["list", "of", "values"], extra: { nested: { json: "val" } } } }, "with nested json"],
  ["scheme://user:password@host%2Flocation:1234/schema?extra1=a%20value&extra2=", { extraJson: { extra1: "a value", extra2: "" } }, "with empty extras"],
  ["scheme://user:password@host%2Flocation%3Ax%3Ay:1234/schema?extra1=a%20value&extra2=%2Fpath%2F", { host: "host/location:x:y", port: 1234, extraJson: { extra1: "a value", extra2: "/path/" } }, "with colon in hostname"],
  ["scheme://user:password%20with%20space@host%2Flocation%3Ax%3Ay:1234/schema", { host: "host/location:x:y", login: "user", password: "password with space", port: 1234 }, "with encoded password"],
  ["scheme://domain%2Fuser:password@host%2Flocation%3Ax%3Ay:1234/schema", { login: "domain/user", password: "password" }, "with encoded user"],
  ["scheme://user:password%20with%20space@host:1234/schema%2Ftest", { host: "host", schema: "schema/test", password: "password with space", port: 1234 }, "with encoded schema"],
  ["scheme://user:password%20with%20space@host:1234", { host: "host", schema: "", login: "user", port: 1234 }, "no schema"],
  ["google-cloud-platform://?key_path=%2Fkeys%2Fkey.json&scope=https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fcloud-platform&project=airflow", { connType: "google_cloud_platform", host: "", schema: "", login: null, password: null, port: null, extraJson: { key_path: "/keys/key.json", scope: "https://www.googleapis.com/auth/cloud-platform", project: "airflow" } }, "with underscore"],
  ["scheme://host:1234", { host: "host", schema: "", login: null, password: null, port: 1234 }, "without auth info"],
  ["scheme://%2FTmP%2F:1234", { host: "/TmP/", schema: "", login: null, password: null, port: 1234 }, "with path"],
  ["scheme:///airflow", { connType: "scheme", schema: "airflow" }, "schema only"],
  ["scheme://@:1234", { connType: "scheme", port: 1234 }, "port only"],
  ["scheme://:password%2F%21%40%23%24%25%5E%26%2A%28%29%7B%7D@", { password: "password/!@#$%^&*(){}" }, "password only"],
  ["scheme://login%2F%21%40%23%24%25%5E%26%2A%28%29%7B%7D@", { login: "login/!@#$%^&*(){}" }, "login only"],
];

// Airflow's test_connection_from_with_auth_info: [uri, type, login, password, host, port, schema].
const WITH_AUTH: Array<[string, string, string | null, string | null, string, number | null, string]> = [
  ["http://:password@host:80/database", "http", "", "password", "host", 80, "database"],
  ["http://user:@host:80/database", "http", "user", null, "host", 80, "database"],
  ["http://user:password@/database", "http", "user", "password", "", null, "database"],
  ["http://user:password@host:80/", "http", "user", "password", "host", 80, ""],
  ["http://user:password@/", "http", "user", "password", "", null, ""],
  ["postgresql://user:password@%2Ftmp%2Fz6rqdzqh%2Fexample%3Awest1%3Atestdb/testdb", "postgres", "user", "password", "/tmp/z6rqdzqh/example:west1:testdb", null, "testdb"],
  ["postgresql://user@%2Ftmp%2Fz6rqdzqh%2Fexample%3Aeurope-west1%3Atestdb/testdb", "postgres", "user", null, "/tmp/z6rqdzqh/example:europe-west1:testdb", null, "testdb"],
  ["postgresql://%2Ftmp%2Fz6rqdzqh%2Fexample%3Aeurope-west1%3Atestdb", "postgres", null, null, "/tmp/z6rqdzqh/example:europe-west1:testdb", null, ""],
  ["spark://k8s%3a%2F%2F100.68.0.1:443?deploy-mode=cluster", "spark", null, null, "k8s://100.68.0.1", 443, ""],
  ["spark://user:password@k8s%3a%2F%2F100.68.0.1:443?deploy-mode=cluster", "spark", "user", "password", "k8s://100.68.0.1", 443, ""],
  ["spark://user@k8s%3a%2F%2F100.68.0.1:443?deploy-mode=cluster", "spark", "user", null, "k8s://100.68.0.1", 443, ""],
  ["spark://k8s%3a%2F%2Fno.port.com?deploy-mode=cluster", "spark", null, null, "k8s://no.port.com", null, ""],
];

function check(actual: ConnectionFields, expected: Expect): void {
  const { extraJson, ...plain } = expected;
  expect(actual).toMatchObject(plain);
  if (extraJson !== undefined) expect(JSON.parse(actual.extra!)).toEqual(extraJson);
}

describe("parseConnectionUri (Airflow's test_from_uri_params)", () => {
  it.each(FROM_URI)("parses %s (%#)", (uri, expected) => {
    check(parseConnectionUri(uri), expected);
  });

  it.each(FROM_URI)("gives the same connection back from the URI it writes: %s", (uri) => {
    const first = parseConnectionUri(uri);
    const again = parseConnectionUri(connectionToUri(first));
    expect({ ...again, extra: again.extra && tryJson(again.extra) }).toEqual({ ...first, extra: first.extra && tryJson(first.extra) });
  });
});

describe("parseConnectionUri (Airflow's test_connection_from_with_auth_info)", () => {
  it.each(WITH_AUTH)("parses %s", (uri, connType, login, password, host, port, schema) => {
    expect(parseConnectionUri(uri)).toMatchObject({ connType, login, password, host, port, schema });
  });

  it("reads the issue's example: an encoded @ in the password", () => {
    expect(parseConnectionUri("postgres://u:p%40ss@h:5432/db")).toEqual({
      connType: "postgres", description: null, host: "h", schema: "db", login: "u", password: "p@ss", port: 5432, extra: null,
    });
  });

  it("takes a host that carries its own protocol", () => {
    expect(parseConnectionUri("spark://k8s://100.68.0.1:443")).toMatchObject({ connType: "spark", host: "k8s://100.68.0.1", port: 443 });
  });

  it.each([
    ["no type", "//host", /starts with a connection type/],
    ["a bad port", "http://host:99999", /port/],
    ["letters as port", "http://host:abc", /port/],
    ["three protocols", "a://b://c://d", /more than two/],
    ["credentials before a host protocol", "spark://u:p@k8s://h", /credentials/],
  ])("refuses %s without repeating the URI", (_what, uri, message) => {
    expect(() => parseConnectionUri(uri, "UPDRAFT_CONN_X")).toThrow(message);
    try {
      parseConnectionUri(uri, "UPDRAFT_CONN_X");
    } catch (err) {
      expect(err).toBeInstanceOf(ConnectionFormatError);
      expect((err as Error).message).toMatch(/^UPDRAFT_CONN_X: /);
      expect((err as Error).message).not.toContain(uri);
    }
  });
});

describe("connectionToUri", () => {
  it("writes Airflow's URI: encoded parts, query extras, __extra__ for other extras", () => {
    const base = { connType: "postgres", login: "u", password: "p@ss", host: "h", port: 5432, schema: "db", extra: null };
    expect(connectionToUri(base)).toBe("postgres://u:p%40ss@h:5432/db");
    expect(connectionToUri({ ...base, extra: '{"sslmode":"require"}' })).toBe("postgres://u:p%40ss@h:5432/db?sslmode=require");
    expect(connectionToUri({ ...base, schema: null, extra: '{"timeout":5}' })).toBe("postgres://u:p%40ss@h:5432/?__extra__=%7B%22timeout%22%3A5%7D");
    expect(connectionToUri({ connType: "google_cloud_platform", login: null, password: null, host: null, port: 1234, schema: null, extra: null })).toBe("google-cloud-platform://@:1234");
  });
});

describe("parseConnectionJson (Airflow's from_json tests)", () => {
  it.each([
    ['{"conn_type": "x", "extra": null}', null],
    ['{"conn_type": "x", "extra": "hi"}', "hi"],
    ['{"conn_type": "x", "extra": {"yo": "hi"}}', '{"yo":"hi"}'],
    ['{"conn_type": "x", "extra": "{\\"yo\\": \\"hi\\"}"}', '{"yo": "hi"}'],
  ])("keeps extra as text: %s", (text, extra) => {
    expect(parseConnectionJson(text).extra).toBe(extra);
  });

  it.each([["abc-abc", "abc_abc"], ["abc_abc", "abc_abc"], ["postgresql", "postgres"]])("normalises conn_type %s", (type, expected) => {
    expect(parseConnectionJson({ conn_type: type }).connType).toBe(expected);
  });

  it.each([[1, 1], ["1", 1], [null, null]])("reads port %j", (port, expected) => {
    expect(parseConnectionJson({ conn_type: "x", port }).port).toBe(expected);
  });

  it.each([['pass :/!@#$%^&*(){}"', 'pass :/!@#$%^&*(){}"'], [null, null], ["", null]])("keeps special characters in the password: %j", (password, expected) => {
    expect(parseConnectionJson({ conn_type: "x", password }).password).toBe(expected);
  });

  it("names an unknown field, a missing type and a bad port", () => {
    expect(() => parseConnectionJson('{"conn_type": "x", "hots": "h"}', "UPDRAFT_CONN_A")).toThrow('UPDRAFT_CONN_A: unknown field "hots"');
    expect(() => parseConnectionJson('{"host": "h"}')).toThrow('"conn_type" is required');
    expect(() => parseConnectionJson('{"conn_type": "x", "port": "eighty"}')).toThrow('"port" must be an integer');
    expect(() => parseConnectionJson("{nope")).toThrow(/not valid JSON/);
  });
});

describe("connections from the environment", () => {
  const env = {
    UPDRAFT_CONN_MY_PG: "postgresql://username:password@ec2.compute.com:5432/the_database",
    UPDRAFT_CONN_API: '{"conn_type": "http", "host": "api.example.com", "password": "tok", "extra": {"api_key": "k"}}',
    UPDRAFT_CONN_EMPTY: "",
    OTHER: "x",
  };

  it("maps the id to the upper-cased variable, as AIRFLOW_CONN_<ID>", () => {
    expect(connectionEnvName("my_pg")).toBe("UPDRAFT_CONN_MY_PG");
    expect(connectionFromEnv("my_pg", env)).toMatchObject({ connType: "postgres", host: "ec2.compute.com", schema: "the_database", login: "username", password: "password", port: 5432 });
    expect(connectionFromEnv("api", env)).toMatchObject({ connType: "http", host: "api.example.com", extra: '{"api_key":"k"}' });
    expect(connectionFromEnv("empty", env)).toBeNull();
    expect(connectionFromEnv("missing", env)).toBeNull();
    expect(envConnectionIds(env)).toEqual(["api", "my_pg"]);
  });

  it("names the variable when its value does not parse", () => {
    expect(() => connectionFromEnv("bad", { UPDRAFT_CONN_BAD: "not a uri" })).toThrow(/^UPDRAFT_CONN_BAD: /);
    expect(() => parseConnectionString("{", "UPDRAFT_CONN_B")).toThrow(/UPDRAFT_CONN_B: not valid JSON/);
  });

  it("gives a task the extra as an object", () => {
    expect(toTaskConnection("api", connectionFromEnv("api", env)!).extra).toEqual({ api_key: "k" });
    expect(toTaskConnection("x", parseConnectionUri("http://h?__extra__=plain")).extra).toEqual({});
  });
});

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
