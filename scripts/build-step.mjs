// What every step of the mini-program's build does around its own work: it
// takes its arguments (exit status 2 and a usage line when they are missing),
// reports a bad input as one `error:` line (exit status 1), and writes its
// output whole: a temporary file renamed over the old one, so a build running
// beside a test never shows it half a file, and a failed step leaves the old
// file as it was.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Replaces `file` with `content` in one rename. */
export function writeWhole(file, content) {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Runs `work(...args)` when the module at `moduleUrl` is the script node was
 * started with (not when a test imports it). `usage` names the arguments;
 * the first `required` of them must be given.
 */
export function runStep(moduleUrl, usage, required, work) {
  const script = fileURLToPath(moduleUrl);
  if (process.argv[1] !== script) return;
  const args = process.argv.slice(2);
  if (args.length < required || args.slice(0, required).some((a) => !a)) {
    console.error(`usage: node ${script.slice(script.lastIndexOf('scripts/'))} ${usage}`);
    process.exit(2);
  }
  try {
    work(...args);
  } catch (e) {
    console.error(`error: ${e.message}`);
    process.exit(1);
  }
}
