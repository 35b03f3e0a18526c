/**
 * Reading a roll CSV as a stream of records, each with the physical line it starts on
 * (1 = the header), in memory that does not grow with the file.
 *
 * csv-parse splits the fields. In front of it, RecordGuard finds where each record starts and
 * ends (RFC 4180 quoting, as csv-parse reads it with ltrim/rtrim) and lets through only the
 * well-formed ones, because csv-parse's own recovery cannot be trusted with a roll: after a
 * record over `max_record_size`, or text after a closing quote, it silently drops every record
 * that follows (csv-parse 7.0.3), and its `info.lines` counts a CR inside a quoted field as a
 * line. A record that is too long, misquoted or not UTF-8 becomes a problem with its line
 * instead — the rest of the file goes on.
 */
import { open } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { Transform, pipeline } from 'node:stream';
import { isUtf8 } from 'node:buffer';
import { parse } from 'csv-parse';
import { Refused } from '../ops/client.mjs';

/** A roll row is under 1 KB; anything past this is a wrong file or a runaway quote. */
export const MAX_RECORD_BYTES = 64 * 1024;

const NL = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const SPACE = 0x20;
const TAB = 0x09;

// Where the scanner is inside a record.
const FIELD_START = 0; // blanks only so far (csv-parse's ltrim)
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_SEEN = 3; // a quote inside a quoted field: it closes, or starts `""`
const AFTER_QUOTE = 4; // blanks after a closing quote (rtrim)
const BROKEN = 5; // misplaced quote: the record ends at the end of this physical line

/**
 * Bytes in, well-formed non-blank records out (each ending with a newline). For every record
 * in the file, in order, it appends to `entries` either the start line of a record it let
 * through, or `{line, lastLine, problem, bytes}` for one it held back (`problem`: 'tooLong',
 * 'quotes', 'unclosedQuote', 'encoding'). Blank lines leave no entry. The reader takes the
 * entries as csv-parse hands it the records, so `entries` stays as short as the pipe's buffers.
 */
export class RecordGuard extends Transform {
  /** @param {{delimiter: string, maxRecordBytes?: number}} options */
  constructor({ delimiter, maxRecordBytes = MAX_RECORD_BYTES }) {
    super();
    this.delimiter = delimiter.charCodeAt(0);
    this.max = maxRecordBytes;
    this.entries = [];
    this.line = 1; // physical line of the byte being read
    this.#reset();
  }

  #reset() {
    this.state = FIELD_START;
    this.recordLine = this.line;
    this.recordBytes = 0; // bytes of the current record in earlier chunks
    this.nonBlank = false;
    this.pending = []; // the current record's bytes from earlier chunks (never more than max)
    this.problem = null; // set once the record is known bad: its bytes are no longer kept
  }

  /** The current record has ended (at a newline, or at the end of the file). */
  #end(parts) {
    if (this.problem === null && this.nonBlank && !isUtf8(parts.length === 1 ? parts[0] : Buffer.concat(parts))) {
      this.problem = 'encoding';
    }
    if (this.problem !== null) {
      this.entries.push({ line: this.recordLine, lastLine: this.line, problem: this.problem, bytes: this.recordBytes });
      return false;
    }
    if (!this.nonBlank) return false;
    this.entries.push(this.recordLine);
    return true;
  }

  _transform(chunk, _encoding, done) {
    const out = [];
    const d = this.delimiter;
    const n = chunk.length;
    let keepFrom = 0; // bytes [keepFrom, recStart) of this chunk are good records to pass on
    let recStart = 0; // where the current record starts in this chunk (its head may be in pending)
    // The hot loop keeps its state in locals, written back at record ends and at the chunk's end.
    let state = this.state;
    let nonBlank = this.nonBlank;
    let limit = this.problem === null ? this.max - this.recordBytes : Infinity; // index past which it is too long
    for (let i = 0; i < n; i++) {
      const c = chunk[i];
      switch (state) {
        case FIELD_START:
          if (c === QUOTE) state = QUOTED;
          else if (c === NL) break;
          else if (c !== SPACE && c !== TAB && c !== d) state = UNQUOTED;
          break;
        case UNQUOTED:
          if (c === d) state = FIELD_START;
          else if (c === QUOTE) state = BROKEN;
          break;
        case QUOTED:
          if (c === QUOTE) state = QUOTE_SEEN;
          else if (c === NL) {
            this.line++;
            continue;
          }
          break;
        case QUOTE_SEEN:
        case AFTER_QUOTE:
          if (c === QUOTE && state === QUOTE_SEEN) state = QUOTED;
          else if (c === d) state = FIELD_START;
          else if (c === SPACE || c === TAB || c === CR) state = AFTER_QUOTE;
          else if (c !== NL) state = BROKEN;
          break;
        // BROKEN: skip to the end of the line
      }
      if (c !== NL) {
        if (!nonBlank && c !== SPACE && c !== TAB && c !== CR) nonBlank = true;
        if (i - recStart >= limit || (state === BROKEN && this.problem === null)) {
          this.problem = state === BROKEN && this.problem === null ? 'quotes' : (this.problem ?? 'tooLong');
          this.pending = []; // its bytes are no longer kept
          limit = Infinity;
        }
        continue;
      }
      // A newline outside quotes: the record ends here.
      this.state = state;
      this.nonBlank = nonBlank;
      this.recordBytes += i - recStart; // without its newline
      const good = this.#end(this.problem === null ? [...this.pending, chunk.subarray(recStart, i + 1)] : []);
      if (good) {
        out.push(...this.pending); // its head, from earlier chunks; the rest is in [keepFrom, i]
      } else {
        if (recStart > keepFrom) out.push(chunk.subarray(keepFrom, recStart));
        keepFrom = i + 1;
      }
      this.line++;
      this.#reset();
      state = FIELD_START;
      nonBlank = false;
      limit = this.max;
      recStart = i + 1;
    }
    this.state = state;
    this.nonBlank = nonBlank;
    this.recordBytes += n - recStart;
    if (recStart > keepFrom) out.push(chunk.subarray(keepFrom, recStart));
    if (this.problem === null && recStart < n) {
      // Copied: a view would pin the whole 64 KB read buffer.
      this.pending.push(Buffer.from(chunk.subarray(recStart)));
    }
    if (n > 0) this.endedWithNewline = chunk[n - 1] === NL;
    if (out.length > 0) this.push(out.length === 1 ? out[0] : Buffer.concat(out));
    done();
  }

  _flush(done) {
    if (this.recordBytes > 0) {
      if (this.state === QUOTED && this.problem === null) this.problem = 'unclosedQuote';
      if (this.endedWithNewline) this.line--; // the file's last line is the one that newline ends
      const parts = this.problem === null ? [...this.pending, Buffer.from('\n')] : [];
      if (this.#end(parts)) this.push(Buffer.concat(parts));
    }
    done();
  }
}

/**
 * How to read the file: `delimiter` is `;` when the header line holds more semicolons than
 * commas outside quotes (what a French spreadsheet writes), else `,`; `start` skips a UTF-8
 * BOM. Refuses a file that cannot be read, an empty one, or one whose first line is blank.
 */
export async function inspectHead(file) {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    throw new Refused({
      fr: `${file} : impossible de lire le fichier (${err.code ?? err.message})`,
      en: `${file}: cannot read the file (${err.code ?? err.message})`,
    });
  }
  try {
    const buf = Buffer.alloc(MAX_RECORD_BYTES);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const start = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
    const text = buf.subarray(start, bytesRead).toString('utf8');
    const nl = text.indexOf('\n');
    if (nl < 0 && bytesRead === buf.length) {
      throw new Refused({
        fr: `${file} : pas de fin de ligne dans les ${MAX_RECORD_BYTES} premiers octets — est-ce bien un CSV ?`,
        en: `${file}: no line break in the first ${MAX_RECORD_BYTES} bytes — is it a CSV file?`,
      });
    }
    const header = (nl < 0 ? text : text.slice(0, nl)).trim();
    if (header === '') {
      throw new Refused({
        fr: `${file} : la première ligne doit être l'en-tête (numic, email, phone, constituency…)`,
        en: `${file}: the first line must be the header (numic, email, phone, constituency…)`,
      });
    }
    let commas = 0;
    let semicolons = 0;
    let quoted = false;
    for (const ch of header) {
      if (ch === '"') quoted = !quoted;
      else if (!quoted && ch === ',') commas++;
      else if (!quoted && ch === ';') semicolons++;
    }
    return { delimiter: semicolons > commas ? ';' : ',', start };
  } finally {
    await handle.close();
  }
}

/**
 * The file's records in order, each `{line, fields}` (fields as csv-parse reads them, blank
 * records left out) or `{line, lastLine, problem, bytes}` for a record held back. The first
 * one is the header, line 1.
 */
export async function* readRecords(file, { delimiter, start = 0, maxRecordBytes = MAX_RECORD_BYTES, highWaterMark }) {
  const guard = new RecordGuard({ delimiter, maxRecordBytes });
  const parser = parse({
    delimiter,
    record_delimiter: ['\r\n', '\n'],
    ltrim: true,
    rtrim: true,
    relax_column_count: true,
    skip_empty_lines: false,
  });
  // pipeline: an error anywhere, or the reader stopping early, closes the file and every stage.
  pipeline(createReadStream(file, { start, highWaterMark }), guard, parser, () => {});
  const entries = guard.entries;
  let head = 0;
  const next = () => {
    const entry = entries[head];
    entries[head++] = undefined;
    if (head > 1024) {
      entries.splice(0, head);
      head = 0;
    }
    return entry;
  };
  for await (const fields of parser) {
    let entry = next();
    while (typeof entry === 'object') {
      yield entry;
      entry = next();
    }
    if (entry === undefined) throw new Error('roll: the record guard and csv-parse disagree on records');
    yield { line: entry, fields };
  }
  while (head < entries.length) {
    const entry = next();
    if (typeof entry !== 'object') throw new Error('roll: a record the guard passed never came out of csv-parse');
    yield entry;
  }
}
