// Rewrites the README's table of settings from the catalog (packages/store/src/settings-catalog.ts).
// Run after adding or changing a setting: npm run docs:settings
import { readFileSync, writeFileSync } from "node:fs";
import { replaceSettingsTable } from "../packages/store/src/settings-table.ts";

const path = new URL("../README.md", import.meta.url);
writeFileSync(path, replaceSettingsTable(readFileSync(path, "utf8")));
console.log("README.md: settings table written");
