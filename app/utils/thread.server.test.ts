import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, test } from 'vitest'
import { appModuleFile, runInThread, ThreadError } from './thread.server.ts'

const work = path.resolve('tests/fixtures/thread-work.ts')
const limits = { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 4 }

describe('runInThread', () => {
  test('calls the export in a thread and resolves with its result', async () => {
    expect(await runInThread<number>(work, 'add', [2, 40], limits)).toBe(42)
  })

  test('an error thrown there comes back with its name, message and code', async () => {
    const error = await runInThread(work, 'refuse', ['no_header'], limits).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ThreadError)
    expect(error).toMatchObject({ originalName: 'RefusalError', message: 'refused: no_header', code: 'no_header' })
  })

  test('a thread that outgrows its heap bound ends alone with ERR_WORKER_OUT_OF_MEMORY; this process goes on', async () => {
    const error = await runInThread(work, 'hoard', [], limits).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ThreadError)
    expect((error as ThreadError).code).toBe('ERR_WORKER_OUT_OF_MEMORY')
    expect(await runInThread<number>(work, 'add', [1, 1], limits)).toBe(2)
  }, 30_000)
})

describe('appModuleFile', () => {
  test('the file beside the caller when it exists (the source tree)', () => {
    expect(appModuleFile('app/utils/thread.server.ts', new URL('./thread.server.ts', import.meta.url))).toBe(path.resolve('app/utils/thread.server.ts'))
  })

  test('else the same path from the working directory (the server bundle in build/server/)', () => {
    const bundle = pathToFileURL(path.resolve('build/server/index.js'))
    expect(appModuleFile('app/utils/thread.server.ts', new URL('./thread.server.ts', bundle))).toBe(path.resolve('app/utils/thread.server.ts'))
    expect(() => appModuleFile('app/utils/nothing.server.ts', new URL('./nothing.server.ts', bundle))).toThrow(/not found/)
  })
})
