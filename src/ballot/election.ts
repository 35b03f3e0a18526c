/**
 * election.json (BELENIOS.md §4) built and read in the tool's field order. Its fingerprint φ is
 * the Base64 SHA-256 of the exact bytes stored in the archive, so the builder returns the bytes
 * once and everything else hashes those.
 */
import { GROUP_NAME } from './group';
import { sha256B64 } from './hash';
import { ShapeRefusal, element, field, list, text } from './types';

/** A homomorphic question: the voter selects between min and max answers, or blank if allowed. */
export interface Question {
  question: string;
  answers: readonly string[];
  blank?: boolean;
  min: number;
  max: number;
}

export interface Election {
  uuid: string;
  name: string;
  description: string;
  publicKey: bigint;
  questions: readonly Question[];
}

/** One question per constituency: exactly one answer, or blank (SPEC.md "The ballot"). */
export function singleChoiceQuestion(question: string, answers: readonly string[]): Question {
  return { question, answers, blank: true, min: 1, max: 1 };
}

// The tool escapes controls as Yojson does, which JSON.stringify would spell differently for
// DEL; names and answers never need one, so they are refused rather than risk two spellings.
// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const CONTROL = /[\u0000-\u001f\u007f]/;

function str(s: string): string {
  if (CONTROL.test(s)) throw new RangeError('control character in election text');
  return JSON.stringify(s);
}

function questionJson(q: Question): string {
  if (!Number.isInteger(q.min) || !Number.isInteger(q.max) || q.min < 0 || q.max < q.min) {
    throw new RangeError('bad min/max');
  }
  if (q.max > q.answers.length || q.answers.length === 0) throw new RangeError('bad answer count');
  const blank = q.blank ? '"blank":true,' : '';
  return `{"answers":[${q.answers.map(str).join(',')}],${blank}"min":${q.min},"max":${q.max},"question":${str(q.question)}}`;
}

/** election.json bytes, without the trailing newline (the archive stores it so). */
export function electionJson(e: Election): string {
  return (
    `{"version":1,"description":${str(e.description)},"name":${str(e.name)},"group":"${GROUP_NAME}",` +
    `"public_key":"${e.publicKey}","questions":[${e.questions.map(questionJson).join(',')}],"uuid":${str(e.uuid)}}`
  );
}

/** φ = b64(SHA256(election bytes)): what every ballot and proof is bound to. */
export async function electionFingerprint(json: string): Promise<string> {
  return sha256B64(json);
}

function count(x: unknown): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 0) throw new ShapeRefusal('malformed');
  return x;
}

/** Reads an election.json of homomorphic questions (the tool's own included). */
export function parseElection(json: string): Election {
  const o = JSON.parse(json) as unknown;
  if (field(o, 'version') !== 1 || field(o, 'group') !== GROUP_NAME) throw new ShapeRefusal('malformed');
  return {
    uuid: text(field(o, 'uuid')),
    name: text(field(o, 'name')),
    description: text(field(o, 'description')),
    publicKey: element(field(o, 'public_key')),
    questions: list(field(o, 'questions')).map((q) => {
      const blank = field(q, 'blank');
      if (blank !== undefined && typeof blank !== 'boolean') throw new ShapeRefusal('malformed');
      return {
        question: text(field(q, 'question')),
        answers: list(field(q, 'answers')).map(text),
        ...(blank ? { blank: true } : {}),
        min: count(field(q, 'min')),
        max: count(field(q, 'max')),
      };
    }),
  };
}
