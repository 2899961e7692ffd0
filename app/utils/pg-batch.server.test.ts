import { expect, test } from 'vitest'
import { createBatcher } from './pg-batch.server.ts'

test('calls made in the same event-loop turn share one run, each gets its own result', async () => {
  const runs: number[][] = []
  const double = createBatcher<number, number>({ run: async (keys) => (runs.push(keys), keys.map((k) => k * 2)) })
  const results = await Promise.all([double(1), double(2), double(3)])
  expect(results).toEqual([2, 4, 6])
  expect(runs).toEqual([[1, 2, 3]])
  expect(await double(5)).toBe(10) // a later call: its own run
  expect(runs).toHaveLength(2)
})

test('two calls with the same conflict key never share a run', async () => {
  const runs: string[][] = []
  const write = createBatcher<{ person: string; v: number }, string>({
    conflictKey: (k) => k.person,
    run: async (keys) => (runs.push(keys.map((k) => `${k.person}${k.v}`)), keys.map((k) => `${k.person}${k.v}`)),
  })
  const results = await Promise.all([write({ person: 'a', v: 1 }), write({ person: 'b', v: 1 }), write({ person: 'a', v: 2 })])
  expect(results).toEqual(['a1', 'b1', 'a2'])
  expect(runs).toEqual([['a1', 'b1'], ['a2']])
})

test('when a shared run fails, each call is retried alone: only the bad one fails', async () => {
  const runs: number[][] = []
  const check = createBatcher<number, number>({
    run: async (keys) => {
      runs.push(keys)
      if (keys.includes(13)) throw new Error('bad key')
      return keys
    },
  })
  const results = await Promise.allSettled([check(1), check(13), check(2)])
  expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
  expect(runs).toEqual([[1, 13, 2], [1], [13], [2]])
})

test('a batch larger than maxBatch is split', async () => {
  const sizes: number[] = []
  const id = createBatcher<number, number>({ maxBatch: 2, run: async (keys) => (sizes.push(keys.length), keys) })
  expect(await Promise.all([1, 2, 3, 4, 5].map((k) => id(k)))).toEqual([1, 2, 3, 4, 5])
  expect(sizes).toEqual([2, 2, 1])
})
