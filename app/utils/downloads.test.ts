import { describe, expect, test } from 'vitest'
import { attachmentDisposition, downloadResponse } from './downloads.ts'

describe('downloads', () => {
  test('Content-Disposition carries an RFC 5987 UTF-8 name and an ASCII fallback', () => {
    const header = attachmentDisposition({ utf8: '学时档案-张三-2026-11-24.xlsx', ascii: 'hours-record-2026-11-24.xlsx' })
    expect(header).toBe(`attachment; filename="hours-record-2026-11-24.xlsx"; filename*=UTF-8''${encodeURIComponent('学时档案-张三-2026-11-24.xlsx')}`)
    const star = header.split("filename*=UTF-8''")[1]!
    expect(decodeURIComponent(star)).toBe('学时档案-张三-2026-11-24.xlsx')
    // Only attr-chars of RFC 5987 after the prefix: no quotes, spaces or parentheses.
    expect(star).toMatch(/^[A-Za-z0-9!#$&+\-.^_`|~%]+$/)
  })

  test('the fallback never carries quotes, backslashes or non-ASCII', () => {
    expect(attachmentDisposition({ utf8: 'a"b.pdf', ascii: 'a"b\\文.pdf' })).toContain('filename="a_b__.pdf"')
  })

  test('a download is an attachment of its length, private and never sniffed', async () => {
    const response = downloadResponse({ bytes: new Uint8Array([1, 2, 3]), contentType: 'application/pdf', fileName: { utf8: '证书.pdf', ascii: 'c.pdf' } })
    expect(Object.fromEntries(response.headers)).toMatchObject({
      'content-type': 'application/pdf',
      'content-length': '3',
      'cache-control': 'private, no-store',
      'x-content-type-options': 'nosniff',
    })
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="c\.pdf"; filename\*=UTF-8''/)
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]))
  })
})
