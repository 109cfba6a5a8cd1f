// Bundles the front end (src/host/bundle.ts: the widget of widget.ts) twice, ESM for the
// notebook and IIFE for the standalone HTML export, and each view's small loader
// (src/host/loader.ts, ModelView's _esm) once, into ../src/layerscape/static/. three.js is
// bundled in: no network at run time. In a notebook the ESM bundle travels once per kernel
// in the runtime widget (src/layerscape/runtime.py); the loader imports it once per page.
//
//   node build.mjs           build once (npm run build; pip install runs it too)
//   node build.mjs --watch   rebuild both bundles on every change under src/ (npm run dev);
//                            with ANYWIDGET_HMR=1 in the kernel, anywidget reloads the
//                            views when widget.js changes (see CONTRIBUTING.md)
import { context } from "esbuild";
import { mkdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, "..", "src", "layerscape", "static");
mkdirSync(outDir, { recursive: true });
const watch = process.argv.includes("--watch");

const common = {
  entryPoints: [join(here, "src", "host", "bundle.ts")],
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
  {
    ...common,
    entryPoints: [join(here, "src", "host", "loader.ts")],
    format: "esm",
    outfile: join(outDir, "view.js"),
  },
];

const report = (outfile) => {
  const kib = statSync(outfile).size / 1024;
  console.log(`${relative(process.cwd(), outfile)}  ${kib.toFixed(1)} KiB`);
};

// Watch mode: the same bundles, each rebuilt (and reported) whenever a source changes.
const reportEachBuild = (outfile) => ({
  name: "report",
  setup(build) {
    let started = 0;
    build.onStart(() => {
      started = Date.now();
    });
    build.onEnd((result) => {
      if (result.errors.length === 0) {
        console.log(`${new Date().toLocaleTimeString()} rebuilt in ${Date.now() - started} ms:`);
        report(outfile);
      }
    });
  },
});

const started = Date.now();
const contexts = await Promise.all(
  outputs.map((options) => context(watch ? { ...options, plugins: [reportEachBuild(options.outfile)] } : options)),
);
if (watch) {
  await Promise.all(contexts.map((ctx) => ctx.watch()));
  console.log("watching src/ for changes (Ctrl-C to stop)");
} else {
  await Promise.all(contexts.map((ctx) => ctx.rebuild()));
  await Promise.all(contexts.map((ctx) => ctx.dispose()));
  for (const { outfile } of outputs) report(outfile);
  console.log(`built in ${Date.now() - started} ms`);
}
