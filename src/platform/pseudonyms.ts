/**
 * The `pseudonyms` capability: the keyed hashes that stand for a NUMIC or an identifier
 * wherever they are stored or looked up. 10⁸ NUMICs make a plain hash reversible in seconds,
 * hence an HMAC with a secret; identifiers are stored only as their HMAC.
 */
import { hmacHex } from './crypto';

export interface Pseudonyms {
  /** The NUMIC's HMAC (64 hex digits): names the voter's object, stands in audit rows and links. */
  numic(numic: string): Promise<string>;
  /** The identifier's HMAC, as the voters table keeps it (from the canonical form). */
  identifier(identifier: string): Promise<string>;
}

export function hmacPseudonyms(numicKey: string, identifierKey: string): Pseudonyms {
  return {
    numic: (numic) => hmacHex(numicKey, numic),
    identifier: (identifier) => hmacHex(identifierKey, identifier),
  };
}
