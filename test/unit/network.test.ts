import { describe, expect, it } from 'vitest';
import { networkOf } from '../../src/platform/guard/network';
import { loginVerdict, NETWORK_LIMITS, WIDE_LIMITS, HOUR_MS } from '../../src/platform/guard/throttle';

describe('the network of a client address', () => {
  it('is the address for IPv4, also written as IPv4-mapped IPv6', () => {
    expect(networkOf('203.0.113.9')).toEqual({ key: 'v4:203.0.113.9', wide: null });
    expect(networkOf('::ffff:203.0.113.9')).toEqual({ key: 'v4:203.0.113.9', wide: null });
    expect(networkOf('::FFFF:cb00:7109')).toEqual({ key: 'v4:203.0.113.9', wide: null });
  });

  it('is the /64 for IPv6, with its /48 as the wider tier, however the address is written', () => {
    const expected = { key: 'v6:2001:db8:1:2::/64', wide: 'v6:2001:db8:1::/48' };
    for (const a of [
      '2001:db8:1:2::1',
      '2001:0db8:0001:0002:0000:0000:0000:0099',
      '2001:DB8:1:2:ffff:ffff:ffff:ffff',
      '[2001:db8:1:2::7]',
      'fe80::1%eth0'.replace('fe80::1', '2001:db8:1:2::1'),
      '2001:db8:1:2::1.2.3.4',
    ]) {
      expect(networkOf(a), a).toEqual(expected);
    }
    expect(networkOf('2001:db8:1:3::1').key).not.toBe(expected.key);
    expect(networkOf('2001:db8:1:3::1').wide).toBe(expected.wide);
    expect(networkOf('::1')).toEqual({ key: 'v6:0:0:0:0::/64', wide: 'v6:0:0:0::/48' });
  });

  it('keeps anything else apart, bounded', () => {
    expect(networkOf('local')).toEqual({ key: 'other:local', wide: null });
    expect(networkOf('1:2:3:4:5:6:7:8:9').key.startsWith('other:')).toBe(true);
    expect(networkOf('1::2::3').key.startsWith('other:')).toBe(true);
    expect(networkOf('999.1.1.1').key.startsWith('other:')).toBe(true);
    expect(networkOf('x'.repeat(500)).key.length).toBeLessThan(80);
  });

  it('lets a /48 fail more than one network, and both are capped per hour', () => {
    const failures = (n: number) => Array.from({ length: n }, (_, i) => i * 1000);
    expect(loginVerdict(failures(NETWORK_LIMITS.free), NETWORK_LIMITS.free * 1000, NETWORK_LIMITS).ok).toBe(false);
    expect(loginVerdict(failures(NETWORK_LIMITS.free), NETWORK_LIMITS.free * 1000, WIDE_LIMITS).ok).toBe(true);
    const spread = Array.from({ length: NETWORK_LIMITS.hourlyCap }, (_, i) => i * 30_000);
    expect(loginVerdict(spread, HOUR_MS - 1, NETWORK_LIMITS).ok).toBe(false);
  });
});
