/** Shared by the node tests of the roll import: temporary files and reading them back. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { inspectHead, readRecords } from '../../scripts/roll/records.mjs';

const dir = mkdtempSync(join(tmpdir(), 'isoloir-roll-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** A fresh file in a temporary directory (removed after the tests). */
export function tempFile(content, name = `roll-${++n}.csv`) {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

export const HEADER = 'numic,email,phone,constituency,language,consulate,country';

/** Every record of a file as the import reads them: `{line, fields}` or `{line, problem}`. */
export async function records(path, options = {}) {
  const out = [];
  for await (const record of readRecords(path, { ...(await inspectHead(path)), ...options })) out.push(record);
  return out;
}
