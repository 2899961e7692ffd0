/** `npm run workers`: the BullMQ workers in their own process (DESIGN.md §5); see workers/README.md. */
import { startWorkers } from './certificate-batch.worker.ts'
import { startReminderWorkers } from './reminders.ts'
import { startRosterImportWorker } from './roster-import.worker.ts'

const reminders = await startReminderWorkers()
const batches = await startWorkers()
const imports = await startRosterImportWorker()
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    void reminders
      .close(signal)
      .then(() => imports.close(signal))
      .then(() => batches.close(signal))
      .then(() => process.exit(0))
  })
}
