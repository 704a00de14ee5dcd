// Tests of secret-column encryption: round trips, fresh IVs, and refusal on a wrong key, a
// tampered value or a ciphertext moved to another row.
import { describe, expect, it } from "vitest";
import { DecryptionError, InvalidValueError, SecretKeyMissingError } from "./errors.ts";
import { SecretBox, openValue, sealValue } from "./secret-box.ts";

const box = new SecretBox("correct horse battery staple");

describe("SecretBox", () => {
  it("decrypts what it encrypted, including unicode and empty strings", () => {
    for (const plain of ["hunter2", "", "пароль ✓ 🔑", "x".repeat(10_000)]) {
      expect(box.decrypt(box.encrypt(plain, "ctx"), "ctx")).toBe(plain);
    }
  });

  it("uses a fresh IV each time, so equal values do not look equal at rest", () => {
    const a = box.encrypt("same", "ctx");
    const b = box.encrypt("same", "ctx");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1:[A-Za-z0-9_-]+$/);
  });

  it("refuses another key", () => {
    const stored = box.encrypt("hunter2", 'variable "k"');
    expect(() => new SecretBox("another key").decrypt(stored, 'variable "k"')).toThrow(DecryptionError);
    expect(() => new SecretBox("another key").decrypt(stored, 'variable "k"')).toThrow('variable "k" cannot be decrypted');
  });

  it("refuses a ciphertext moved to another row", () => {
    const stored = box.encrypt("hunter2", 'variable "a"');
    expect(() => box.decrypt(stored, 'variable "b"')).toThrow(DecryptionError);
  });

  it("refuses a tampered or malformed value", () => {
    const stored = box.encrypt("hunter2", "ctx");
    // Flip one bit of the ciphertext itself (editing the last base64 character may only touch
    // padding bits, which decode to the same bytes).
    const raw = Buffer.from(stored.slice(stored.indexOf(":") + 1), "base64url");
    raw[raw.length - 1]! ^= 0x01;
    expect(() => box.decrypt(`${stored.slice(0, stored.indexOf(":"))}:${raw.toString("base64url")}`, "ctx")).toThrow(DecryptionError);
    expect(() => box.decrypt("hunter2", "ctx")).toThrow(DecryptionError);
    expect(() => box.decrypt("v1:", "ctx")).toThrow(DecryptionError);
  });

  it("refuses an empty secret key", () => {
    expect(() => new SecretBox("")).toThrow(InvalidValueError);
  });
});

describe("sealValue / openValue", () => {
  it("stores plaintext without a key and ciphertext with one", () => {
    expect(sealValue(null, "v", "ctx")).toEqual({ stored: "v", encrypted: false });
    const sealed = sealValue(box, "v", "ctx");
    expect(sealed.encrypted).toBe(true);
    expect(openValue(box, sealed.stored, true, "ctx")).toBe("v");
  });

  it("names the field when an encrypted value is read without a key", () => {
    expect(() => openValue(null, box.encrypt("v", 'variable "k"'), true, 'variable "k"')).toThrow(SecretKeyMissingError);
    expect(() => openValue(null, "x", true, 'variable "k"')).toThrow(/variable "k" is encrypted but no secret key was given/);
  });
});
