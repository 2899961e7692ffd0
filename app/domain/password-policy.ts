/** NIST-style password rules: 8–128 characters, no composition rules, not a common password. */
export type PasswordProblem = 'too_short' | 'too_long' | 'common'

export const PASSWORD_MIN = 8
export const PASSWORD_MAX = 128

export function checkPassword(password: string, isCommon: (p: string) => boolean): PasswordProblem | null {
  const length = Array.from(password).length
  if (length < PASSWORD_MIN) return 'too_short'
  if (length > PASSWORD_MAX) return 'too_long'
  if (isCommon(password.toLowerCase())) return 'common'
  return null
}
