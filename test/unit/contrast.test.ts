// The stylesheet's colour pairs meet WCAG 2.1 AA: 4.5:1 for text, 3:1 for control borders
// and the focus ring (1.4.3, 1.4.11). The colours are read from public/styles.css itself.
import { describe, expect, it } from 'vitest';
import css from '../../public/styles.css?raw';

function variables(source: string): Record<string, string> {
  const root = /:root\s*\{([\s\S]*?)\}/.exec(source)?.[1] ?? '';
  return Object.fromEntries(
    [...root.matchAll(/--([\w-]+):\s*(#[0-9a-fA-F]{6})/g)].map((m) => [m[1]!, m[2]!.toLowerCase()]),
  );
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe('colour contrast of public/styles.css', () => {
  const v = variables(css);
  const white = '#ffffff';

  it('declares the palette', () => {
    for (const name of [
      'text',
      'muted',
      'blue',
      'bg',
      'bg-alt',
      'error',
      'error-bg',
      'info-bg',
      'warning-bg',
      'success',
      'focus',
      'border',
    ]) {
      expect(v[name], name).toMatch(/^#[0-9a-f]{6}$/);
    }
  });

  it('gives every text at least 4.5:1 on its background', () => {
    const pairs: [string, string, string][] = [
      ['body text', v.text!, v.bg!],
      ['hints', v.muted!, v.bg!],
      ['hints on grey', v.muted!, v['bg-alt']!],
      ['text on grey', v.text!, v['bg-alt']!],
      ['links', v.blue!, v.bg!],
      ['links on grey', v.blue!, v['bg-alt']!],
      ['links in notices', v.blue!, v['info-bg']!],
      ['hovered links', v['blue-hover']!, v.bg!],
      ['primary button', white, v.blue!],
      ['hovered primary button', white, v['blue-hover']!],
      ['field errors', v.error!, v.bg!],
      ['error summary', v.error!, v['error-bg']!],
      ['text in the error summary', v.text!, v['error-bg']!],
      ['text in warnings', v.text!, v['warning-bg']!],
      ['text in info notices', v.text!, v['info-bg']!],
      ['"Copié"', v.success!, v.bg!],
      ['text in the confirmation', v.text!, '#e3fde7'],
    ];
    for (const [what, fg, bg] of pairs) expect(contrast(fg, bg), what).toBeGreaterThanOrEqual(4.5);
  });

  it('gives control borders and the focus ring at least 3:1', () => {
    expect(contrast(v.border!, v.bg!)).toBeGreaterThanOrEqual(3);
    expect(contrast(v.focus!, v.bg!)).toBeGreaterThanOrEqual(3);
    expect(contrast(v.focus!, v['bg-alt']!)).toBeGreaterThanOrEqual(3);
    expect(contrast(v.error!, v.bg!)).toBeGreaterThanOrEqual(3);
  });

  it('never sets a fixed width that would force horizontal scrolling at 320 px', () => {
    const widths = [...css.matchAll(/(?:^|[;{\s])(?:min-)?width:\s*(\d+(?:\.\d+)?)(px|rem|em)/g)].map((m) =>
      m[2] === 'px' ? Number(m[1]) : Number(m[1]) * 16,
    );
    for (const w of widths) expect(w).toBeLessThanOrEqual(320);
  });
});
