// vitest here: the repository's shared settings (tests run the TypeScript sources of @updraft/*).
export { default } from "../../vitest.shared.ts";
