// Bundles src/host/widget.ts twice (ESM for anywidget, IIFE for the standalone HTML export)
// into ../src/layerscape/static/. three.js is bundled in: no network at run time.
import { build } from "esbuild";
import { mkdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, "..", "src", "layerscape", "static");
mkdirSync(outDir, { recursive: true });

const common = {
  entryPoints: [join(here, "src", "host", "widget.ts")],
  bundle: true,
  minify: true,
  target: "es2020",
  platform: "browser",
  legalComments: "eof",
  logLevel: "warning",
};

const outputs = [
  { ...common, format: "esm", outfile: join(outDir, "widget.js") },
  { ...common, format: "iife", globalName: "LayerscapeWidget", outfile: join(outDir, "widget.iife.js") },
];

const started = Date.now();
await Promise.all(outputs.map((options) => build(options)));
for (const { outfile } of outputs) {
  const kib = statSync(outfile).size / 1024;
  console.log(`${relative(process.cwd(), outfile)}  ${kib.toFixed(1)} KiB`);
}
console.log(`built in ${Date.now() - started} ms`);
