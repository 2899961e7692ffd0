/**
 * Runs one exported function of a module in a worker thread whose V8 heap is
 * bounded by the code (`resourceLimits`), not by a deployment flag such as
 * `--max-old-space-size`: left alone, V8 lets a process's heap grow to several
 * times its live set before it collects (the roster import's exceljs parse:
 * a JS heap of ≈ 230 MB, mostly garbage, over a live set below 80 MB;
 * bench/README.md), and a thread that reaches its bound ends alone with
 * ERR_WORKER_OUT_OF_MEMORY instead of taking the process down.
 *
 * The thread is plain Node: it registers tsx itself (worker threads do not
 * inherit the parent's module hooks in Node 20, and vitest's transform does
 * not reach them at all), requires the module by its file (so the module and
 * what it imports must not use top-level await or import.meta) and calls the
 * export with the arguments (structured-cloned). The function's errors come
 * back as `ThreadError` with the original's name, message and `code`, for
 * the caller to map back to its own error classes.
 */
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'

export type ThreadLimits = { maxOldGenerationSizeMb: number; maxYoungGenerationSizeMb?: number }

/** An error thrown inside the thread, as far as it survives the trip: its name, message and code. */
export class ThreadError extends Error {
  constructor(
    readonly originalName: string,
    message: string,
    readonly code: string | undefined,
  ) {
    super(message)
    this.name = 'ThreadError'
  }
}

type Reply = { ok: true; value: unknown; prismaClient: boolean } | { ok: false; name: string; message: string; code?: string; prismaClient: boolean }

// The thread's whole program (CommonJS). `workerData`: the tsx API's file, the module's file, the export's name and its arguments.
const BOOT = `
const { parentPort, workerData } = require('node:worker_threads')
const { tsx, module, name, args } = workerData
;(async () => {
  let reply
  try {
    require(tsx).register()
    const value = await require(module)[name](...args)
    reply = { ok: true, value }
  } catch (error) {
    reply = { ok: false, name: error?.name ?? 'Error', message: String(error?.message ?? error), code: typeof error?.code === 'string' ? error.code : undefined }
  }
  reply.prismaClient = '__xxDb' in globalThis
  parentPort.postMessage(reply)
})()
`

// tsx's CommonJS API, by its package's exports map: its require hook compiles the app's ESM TypeScript in the thread
// itself (+10 MB measured), where the ESM API's hooks would start a loader thread of their own (+31 MB).
const tsxApi = (() => {
  const pkg = createRequire(import.meta.url).resolve('tsx/package.json')
  const exports = (JSON.parse(readFileSync(pkg, 'utf8')) as { exports: Record<string, { require: { default: string } }> }).exports
  return path.join(path.dirname(pkg), exports['./cjs/api']!.require.default)
})()

/** Whether a thread run by runInThread in this process made a Prisma Client (the import path must not: bench/import.ts checks it). */
export const threadsMadePrismaClient = () => (globalThis as { __xxThreadDb?: boolean }).__xxThreadDb === true

/**
 * `(await import(moduleFile))[name](...args)` in a new worker thread with the
 * given heap bounds; resolves with its result or rejects with a ThreadError
 * (ERR_WORKER_OUT_OF_MEMORY when the thread reached its bound).
 */
export function runInThread<R>(moduleFile: string, name: string, args: unknown[], limits: ThreadLimits): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const worker = new Worker(BOOT, {
      eval: true,
      workerData: { tsx: tsxApi, module: moduleFile, name, args },
      resourceLimits: limits,
      // The thread's output is the process's; its environment is a copy of the process's at the start.
      stdout: false,
      stderr: false,
    })
    let reply: Reply | null = null
    worker.on('message', (m: Reply) => {
      reply = m
      if (m.prismaClient) (globalThis as { __xxThreadDb?: boolean }).__xxThreadDb = true
    })
    worker.on('error', (error: Error & { code?: string }) => {
      reply ??= { ok: false, name: error.name, message: error.message, code: error.code, prismaClient: false }
    })
    worker.on('exit', (exitCode) => {
      const r = reply as Reply | null
      if (r?.ok) resolve(r.value as R)
      else if (r) reject(new ThreadError(r.name, r.message, r.code))
      else reject(new ThreadError('Error', `thread exited with code ${exitCode} and no reply`, undefined))
    })
  })
}

/**
 * The file of a module of the app's source for runInThread, given where it
 * would be beside the caller (`new URL('./x.server.ts', import.meta.url)`):
 * that file when the caller runs from the source tree (tsx, vitest); in the
 * server bundle (build/server/index.js), where modules have no file of their
 * own, `relative` from the project root — the working directory npm start and
 * the workers run in (as app/auth/password.server.ts finds its list).
 */
export function appModuleFile(relative: string, besideCaller: URL): string {
  const beside = fileURLToPath(besideCaller)
  if (existsSync(beside)) return beside
  const file = path.resolve(process.cwd(), relative)
  if (!existsSync(file)) throw new Error(`${relative} not found from ${process.cwd()}`)
  return file
}
