/**
 * A stable order for the demo seed's rows. Row ids are random (newId), so
 * ordering by them would hand each learner a different outcome on every run;
 * the seed orders people by their ID number instead (decrypted, so the order
 * is the same under any XX_DATA_KEY / XX_HMAC_KEY).
 */
import { decryptField } from '#app/utils/crypto.server.ts'

export function byIdNumber<T extends { person: { idCipher: string } }>(rows: T[]): T[] {
  const keyed = rows.map((row) => ({ row, key: decryptField(row.person.idCipher) }))
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  return keyed.map((k) => k.row)
}
