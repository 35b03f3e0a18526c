/**
 * Debian's Chromium driven by playwright-core (no downloaded browser: no internet here).
 * The flags keep Chromium from reaching for the network at start.
 */
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

export const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8788';
export const SCREENSHOTS = 'test-artifacts/screenshots';

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** Reads the digits of the page's pending security code through the development tools. */
export async function readCode(page) {
  const id = await page.locator('input[name="captchaId"]').inputValue();
  const res = await fetch(`${BASE_URL}/_dev/captcha/${id}`);
  if (!res.ok) throw new Error(`no pending code for ${id}`);
  return (await res.json()).digits;
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}

/** Every message delivered so far (SPEC.md /_dev/outbox). */
export async function outbox() {
  return (await fetch(`${BASE_URL}/_dev/outbox`)).json();
}

/** Polls the outbox until `predicate` matches a message (delivery goes through a queue). */
export async function waitForMessage(predicate, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = (await outbox()).filter(predicate);
    if (found.length > 0) return found[found.length - 1];
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error('message not delivered in time');
}
