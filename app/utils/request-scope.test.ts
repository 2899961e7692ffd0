import { expect, test } from 'vitest'
import { oncePerRequest, runInRequestScope } from './request-scope.server.ts'

test('a value is computed once within a request and again for the next request', async () => {
  let calls = 0
  const lookUp = () => oncePerRequest('user', async () => ++calls)
  const first = await runInRequestScope(async () => [await lookUp(), await Promise.resolve().then(lookUp)])
  const second = await runInRequestScope(lookUp)
  expect(first).toEqual([1, 1])
  expect(second).toBe(2)
})

test('outside a request scope nothing is cached', async () => {
  let calls = 0
  oncePerRequest('x', () => ++calls)
  oncePerRequest('x', () => ++calls)
  expect(calls).toBe(2)
})
