/**
 * Security headers for every response. The CSP allows no inline script. Referrer-Policy is
 * `same-origin`, not hono's default `no-referrer`: under `no-referrer` browsers send
 * `Origin: null` on same-origin form posts and the CSRF check would refuse real voters.
 */
import { secureHeaders } from 'hono/secure-headers';

export const securityHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'"],
    mediaSrc: ["'self'"],
    connectSrc: ["'self'"],
    fontSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
  xFrameOptions: 'DENY',
  referrerPolicy: 'same-origin',
  strictTransportSecurity: 'max-age=63072000; includeSubDomains',
  crossOriginEmbedderPolicy: false,
});
