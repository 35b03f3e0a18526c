/**
 * One measured run with autocannon: a fixed number of connections for a fixed time, every
 * response's status checked against the route's expectation.
 */
import { URLSearchParams } from 'node:url';
import autocannon from 'autocannon';

/** A route's request as autocannon wants it (form bodies encoded, same-origin Origin). */
export function toRequest(origin, { method, path, form, headers = {} }) {
  if (!form) return { method, path, headers };
  return {
    method,
    path,
    headers: { origin, 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  };
}

/**
 * Runs `route` against `url` for `duration` seconds. `items` (optional) are consumed one per
 * request (or cycled when `cycle`); the run stops early when they run out.
 */
export async function measure({ url, route, items, cycle = false, connections, duration }) {
  const statuses = {};
  let unexpected = 0;
  let next = 0;
  const origin = url;
  const staticRequest = items ? null : toRequest(origin, route.request());
  const requestFor = () => {
    if (!items) return staticRequest;
    const item = cycle ? items[next++ % items.length] : items[Math.min(next++, items.length - 1)];
    return toRequest(origin, route.request(item));
  };
  const onResponse = (status) => {
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (status !== route.expect) unexpected++;
  };
  const options = {
    url,
    connections,
    duration,
    pipelining: 1,
    timeout: 10,
    requests: [{ setupRequest: (req) => ({ ...req, ...requestFor() }), onResponse }],
  };
  // Each connection may ask for its next request before the run ends: keep a margin.
  if (items && !cycle) options.maxOverallRequests = Math.max(connections, items.length - 2 * connections);
  const started = performance.now();
  const result = await autocannon(options);
  const elapsed = (performance.now() - started) / 1000;
  const done = Object.values(statuses).reduce((a, b) => a + b, 0);
  return {
    requests: done,
    seconds: elapsed,
    rps: done / elapsed,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: unexpected + result.errors + result.timeouts,
    statuses,
  };
}
