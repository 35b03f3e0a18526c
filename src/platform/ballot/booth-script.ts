/**
 * The booth's script as served (public/js/booth.js, through ASSETS): its Subresource Integrity
 * hash, computed from the very bytes the asset store serves, once per isolate. The booth page
 * loads the script with it, and `/verifier` publishes it: anyone can compare it with the
 * published source's build (docs/ballot.md says what that proves and what it does not).
 */
export const BOOTH_SCRIPT = '/js/booth.js';

export interface BoothScript {
  /** `sha384-…`, or null when the asset cannot be read (the page then says so). */
  integrity(): Promise<string | null>;
}

let cached: Promise<string | null> | null = null;

export function assetBoothScript(assets: Fetcher): BoothScript {
  return {
    integrity() {
      cached ??= (async () => {
        const res = await assets.fetch(new Request(`https://assets.local${BOOTH_SCRIPT}`));
        if (!res.ok) return null;
        const digest = new Uint8Array(await crypto.subtle.digest('SHA-384', await res.arrayBuffer()));
        return `sha384-${btoa(String.fromCharCode(...digest))}`;
      })().catch(() => null);
      return cached.then((v) => {
        if (v === null) cached = null;
        return v;
      });
    },
  };
}
