/**
 * Time is injected everywhere (a `now()` function) so expiry, throttling and the election
 * window are tested without sleeping. Durable Object methods take `now` as an argument for
 * the same reason.
 */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
