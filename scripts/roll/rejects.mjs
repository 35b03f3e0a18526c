/**
 * The rejects file: `<name>.rejects.csv` beside the roll, one row per rejected row —
 * `line,reason,numic` (its physical line, 1 = the header; why, French then English; its NUMIC
 * when readable). Written even when nothing is rejected (just the header), so its path in the
 * summary always names a file of this run, never one left by an earlier run.
 */
import { open } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { Refused } from '../ops/client.mjs';

/** `/dir/roll.csv` → `/dir/roll.rejects.csv` (absolute). */
export function rejectsPath(file) {
  const abs = resolve(file);
  return join(dirname(abs), `${basename(abs, extname(abs))}.rejects.csv`);
}

/** One CSV field, quoted when it must be. */
export function csvField(value) {
  const s = String(value);
  return /[",;\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * What the file held in the NUMIC cell, as it may be written back: the normalised NUMIC, or the
 * raw text when short and printable, a leading `'` keeping a spreadsheet from reading it as a
 * formula (`=`, `+`, `-`, `@`).
 */
export function numicCell(numic, raw) {
  if (numic) return numic;
  if (!raw || raw.length > 32 || /[\p{Cc}]/u.test(raw)) return '';
  return /^[=+\-@]/.test(raw) ? `'${raw}` : raw;
}

export class RejectsFile {
  static async create(file) {
    const path = rejectsPath(file);
    let handle;
    try {
      handle = await open(path, 'w');
    } catch (err) {
      throw new Refused({
        fr: `impossible d'écrire le fichier des rejets ${path} (${err.code ?? err.message}) : rien n'a été envoyé`,
        en: `cannot write the rejects file ${path} (${err.code ?? err.message}): nothing was sent`,
      });
    }
    const rejects = new RejectsFile(path, handle.createWriteStream({ encoding: 'utf8' }));
    await rejects.write('line,reason,numic\n');
    return rejects;
  }

  constructor(path, stream) {
    this.path = path;
    this.stream = stream;
    this.count = 0;
    this.failure = null;
    stream.on('error', (err) => (this.failure = err));
  }

  write(text) {
    if (this.failure) throw this.failure;
    if (this.stream.write(text)) return undefined;
    return new Promise((done) => this.stream.once('drain', done));
  }

  /** A rejected row. Awaiting it is only needed for the write buffer not to grow. */
  add(line, reason, numic = '') {
    this.count++;
    return this.write(`${line},${csvField(reason)},${csvField(numic)}\n`);
  }

  async close() {
    await new Promise((done, fail) => this.stream.end((err) => (err ? fail(err) : done())));
    if (this.failure) throw this.failure;
  }
}
