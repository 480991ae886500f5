import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { describe, test } from "node:test";
import { promisify } from "node:util";

const run = promisify(execFile);
const SCRIPT = new URL("../../../scripts/test-setup.sh", import.meta.url).pathname;

/** What the suite needs, as test-setup.sh names it: the Debian packages a bare machine gets, in order. */
const ALL_PACKAGES = ["chromium", "python3-boto3", "awscli", "postgresql"];

/**
 * A shell fragment, run inside a private mount namespace, that hides every tool the setup script looks for: a
 * plain non-executable file over Chromium and over each `aws` on the PATH, and over the boto3 package of each
 * Python the tests would use a directory whose __init__.py raises ImportError (an empty one would still import,
 * as a namespace package). The machine itself is untouched: the mounts end with the namespace.
 */
const HIDE_TOOLS = `
set -e
scratch=$(mktemp -d)
mount -t tmpfs none "$scratch"
printf '' > "$scratch/absent" && chmod 0644 "$scratch/absent"
mkdir "$scratch/no-boto3" && echo 'raise ImportError("hidden by the test")' > "$scratch/no-boto3/__init__.py"
hide_file() { if [ -e "$1" ]; then mount --bind "$scratch/absent" "$1"; fi; }
hide_file /usr/bin/chromium
for f in /usr/lib/postgresql/*/bin/initdb; do hide_file "$f"; done
for d in $(echo "$PATH" | tr : ' '); do hide_file "$d/aws"; done
for py in "$OPENFORECAST_PYTHON" python3 /usr/bin/python3; do
  [ -n "$py" ] || continue
  pkg=$("$py" -c 'import boto3, os; print(os.path.dirname(boto3.__file__))' 2>/dev/null) || continue
  mount --bind "$scratch/no-boto3" "$pkg"
done
`;

/** Runs `bash -c <script>` in a new mount namespace; undefined where namespaces are not allowed (not root). */
async function inBareNamespace(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run("unshare", ["-m", "bash", "-c", `${HIDE_TOOLS}\n${script}`], {
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== "number") throw error;
    return { code: e.code, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

async function namespacesAllowed(): Promise<boolean> {
  try {
    await run("unshare", ["-m", "true"]);
    return true;
  } catch {
    return false;
  }
}

describe("the README's test command sets up what the tests need (scripts/test-setup.sh, npm's pretest)", () => {
  test("after `npm test`'s pretest step every requirement is present", async () => {
    // `npm test` runs the setup script before any test; a requirement still missing here means it failed to
    // install one (or the suite was started without npm test on a machine that lacks it).
    const result = await run("bash", [SCRIPT, "--check"]).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal(result.code, 0, result.stderr);
  });

  test("on a machine without the tools it plans Debian's chromium, python3-boto3 and awscli", async (t) => {
    if (!(await namespacesAllowed())) return t.skip("needs `unshare -m` (root or CAP_SYS_ADMIN)");
    const seen = await inBareNamespace(`bash '${SCRIPT}' --plan`);
    assert.equal(seen.code, 0, seen.stderr);
    assert.deepEqual(seen.stdout.trim().split("\n"), ALL_PACKAGES);
    // The probes really fail there, so the plan is not an artefact of the script's own bookkeeping.
    const check = await inBareNamespace(`bash '${SCRIPT}' --check`);
    assert.equal(check.code, 1);
    for (const pkg of ALL_PACKAGES) assert.match(check.stderr, new RegExp(`Debian package ${pkg}\\)`));
  });

  test("without root it says exactly what to install and exits non-zero", async (t) => {
    if (!(await namespacesAllowed())) return t.skip("needs `unshare -m` (root or CAP_SYS_ADMIN)");
    const seen = await inBareNamespace(
      `setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/tmp PATH="$PATH" bash '${SCRIPT}'`,
    );
    assert.equal(seen.code, 1, seen.stderr);
    assert.match(seen.stderr, /sudo apt-get update && sudo apt-get install -y chromium python3-boto3 awscli/);
  });
});
