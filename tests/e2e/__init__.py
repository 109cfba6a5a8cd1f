"""Browser end-to-end tests: real Chromium, exported pages and a real JupyterLab."""
