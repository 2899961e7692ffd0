import { expect, test } from 'vitest'
import { isCrossSiteRequestAllowed } from './csrf.server.ts'

const base = { path: '/login', expectedOrigins: ['http://localhost:3000'] }

test.each([
  ['GET from anywhere', { method: 'GET', secFetchSite: 'cross-site', origin: 'https://evil.example' }, true],
  ['POST same-origin', { method: 'POST', secFetchSite: 'same-origin', origin: 'http://localhost:3000' }, true],
  ['POST cross-site', { method: 'POST', secFetchSite: 'cross-site', origin: 'http://localhost:3000' }, false],
  ['POST same-site (sibling subdomain)', { method: 'POST', secFetchSite: 'same-site', origin: null }, false],
  ['POST without Sec-Fetch-Site, matching Origin', { method: 'POST', secFetchSite: null, origin: 'http://localhost:3000' }, true],
  ['POST without Sec-Fetch-Site, foreign Origin', { method: 'POST', secFetchSite: null, origin: 'https://evil.example' }, false],
  ['POST with neither header', { method: 'POST', secFetchSite: null, origin: null }, false],
  ['DELETE cross-site', { method: 'DELETE', secFetchSite: 'cross-site', origin: null }, false],
])('%s', (_label, req, allowed) => {
  expect(isCrossSiteRequestAllowed({ ...base, ...req })).toBe(allowed)
})

test('the bearer-token API is outside the cookie CSRF check', () => {
  expect(isCrossSiteRequestAllowed({ ...base, path: '/api/v1/people', method: 'POST', secFetchSite: null, origin: null })).toBe(true)
})

test.each([
  '/api/%2e%2e/logout',
  '/api/%2E%2e/logout',
  '/api/./../logout',
  '/api/v1/..%2F..%2Flogout/../../../logout',
  '/api\\..\\logout',
  '//api/v1/people',
  '/apiary',
])('a foreign POST to %s is judged on the routed path, not exempt as /api/', (path) => {
  expect(isCrossSiteRequestAllowed({ ...base, path, method: 'POST', secFetchSite: 'cross-site', origin: 'https://evil.example' })).toBe(false)
})

test('the API exemption holds for real API paths with their query', () => {
  expect(isCrossSiteRequestAllowed({ ...base, path: '/api/v1/auth/token?x=1', method: 'POST', secFetchSite: 'cross-site', origin: null })).toBe(true)
})
