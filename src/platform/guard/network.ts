/**
 * The network a request comes from, as every allowance and throttle counts it. An IPv4
 * address is one network; an IPv6 client holds a whole /64 (often a /48: 65 536 of them), so
 * counting IPv6 addresses one by one counts nothing. Each IPv6 request is therefore counted
 * on its /64 and, with a wider allowance, on its /48.
 */

export interface Network {
  /** The IPv4 address, or the IPv6 /64: what one client holds. */
  key: string;
  /** The IPv6 /48 (a site), counted with a wider allowance; null for IPv4. */
  wide: string | null;
}

/** How much more a /48 may do than one /64 (or one IPv4 address). */
export const WIDE_FACTOR = 4;

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function ipv4(text: string): string | null {
  const m = IPV4.exec(text);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts.join('.') : null;
}

/** The eight hextets of an IPv6 address (a trailing embedded IPv4 allowed), or null. */
function hextets(address: string): number[] | null {
  let text = address;
  const last = text.slice(text.lastIndexOf(':') + 1);
  if (last.includes('.')) {
    const v4 = ipv4(last);
    if (!v4) return null;
    const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, text.length - last.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  if (!/^[0-9a-f:]+$/.test(text)) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (s: string) => (s === '' ? [] : s.split(':'));
  const left = parse(halves[0]!);
  const right = halves.length === 2 ? parse(halves[1]!) : [];
  const fill = 8 - left.length - right.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return null;
  const groups = [...left, ...Array<string>(halves.length === 2 ? fill : 0).fill('0'), ...right];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => parseInt(g, 16));
}

const hex = (words: number[]) => words.map((w) => w.toString(16)).join(':');

/**
 * The network of a client address (`CF-Connecting-IP`). Anything that is not an address
 * (locally, 'local') is its own network.
 */
export function networkOf(address: string): Network {
  const text = address
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '');
  const v4 = ipv4(text);
  if (v4) return { key: `v4:${v4}`, wide: null };
  const words = hextets(text);
  if (!words) return { key: `other:${text.slice(0, 64)}`, wide: null };
  // IPv4-mapped (::ffff:a.b.c.d): the IPv4 client it is.
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) {
    const [c, d] = [words[6]!, words[7]!];
    return { key: `v4:${c >> 8}.${c & 255}.${d >> 8}.${d & 255}`, wide: null };
  }
  return { key: `v6:${hex(words.slice(0, 4))}::/64`, wide: `v6:${hex(words.slice(0, 3))}::/48` };
}
