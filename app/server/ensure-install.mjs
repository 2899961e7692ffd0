// Runs before `npm start` and `npm test`: installs dependencies when they are
// missing or older than package-lock.json. Node built-ins only, because on a
// fresh clone nothing else is there yet.
import { spawnSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const lock = path.join(root, 'package-lock.json')
const installed = path.join(root, 'node_modules/.package-lock.json')

const stale = !existsSync(installed) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(installed).mtimeMs)
if (stale) {
  const command = existsSync(lock) ? 'ci' : 'install'
  console.log(`[xiangxue] 正在安装依赖 (npm ${command}) …`)
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const result = spawnSync(npm, [command, '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) {
    console.error('[xiangxue] 依赖安装失败 / npm install failed')
    process.exit(result.status ?? 1)
  }
}
