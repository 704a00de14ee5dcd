// `npm run build -w @updraft/ui`: writes the UI's modules to dist/ui/, which the published package
// serves (built-assets.ts). From a checkout the server builds them in memory on its own instead.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildUiAssets } from "./assets.ts";

const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "ui");
rmSync(dist, { recursive: true, force: true });
const assets = await buildUiAssets({ sourcemap: process.argv.includes("--sourcemap") });
for (const [path, asset] of assets) {
  mkdirSync(dirname(join(dist, path)), { recursive: true });
  writeFileSync(join(dist, path), asset.body);
}
console.log(`wrote ${assets.size} files to ${dist}`);
