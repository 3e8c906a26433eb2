// The package's TypeScript declarations must type a user's code: usage.ts is compiled with
// tsc --strict against the installed package, and a deliberately wrong use must fail.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFile, rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const dir = fileURLToPath(new URL(".", import.meta.url));
const tsc = fileURLToPath(new URL("./node_modules/typescript/bin/tsc", import.meta.url));

test("usage.ts type-checks against the package's declarations", async () => {
  await run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: dir });
});

test("a wrong use of the API is a type error", async () => {
  const wrong = `${dir}/wrong-usage.ts`;
  await writeFile(wrong, `import { Verifier } from "myna-vc";\nconst v = Verifier.create("{}", 0);\nconst d: number = v.verify("age-over-20", "x", "n", 0);\nconsole.log(d);\n`);
  try {
    await assert.rejects(
      run(process.execPath, [tsc, "--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--lib", "es2022,dom,esnext.disposable", wrong], { cwd: dir }),
      (error) => /TS2322/.test(error.stdout),
    );
  } finally {
    await rm(wrong, { force: true });
  }
});
