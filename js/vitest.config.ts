import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    // Exhaustive sweeps (every vector length up to the cap, every zoo-like graph) take
    // 1–4 s on an idle 2-core machine and pass vitest's 5 s default under load.
    testTimeout: 30_000,
  },
});
