import { expect, test } from 'vitest'
import { maskName, maskPhone, normalizePhone } from './names.ts'

test.each([
  ['张三', '张*'],
  ['张小华', '张*华'],
  ['欧阳小华', '欧**华'],
  ['李', '李'],
])('maskName(%s) = %s', (name, masked) => expect(maskName(name)).toBe(masked))

test.each([
  ['13812345678', '13812345678'],
  ['+86 138-1234-5678', '13812345678'],
  ['12812345678', null],
  ['1381234567', null],
])('normalizePhone(%s) = %s', (raw, value) => expect(normalizePhone(raw)).toBe(value))

test('maskPhone hides the middle four digits', () => expect(maskPhone('13812345678')).toBe('138****5678'))
