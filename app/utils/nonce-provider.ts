/**
 * The Content-Security-Policy nonce of the page being rendered (set per
 * request by app/server/http.ts, handed to React by app/entry.server.tsx).
 * On the client it is '' — browsers hide a nonce from the DOM once the
 * policy has used it, so hydration sees the same empty value.
 */
import { createContext, useContext } from 'react'

const NonceContext = createContext('')

export const NonceProvider = NonceContext.Provider

export function useNonce(): string {
  return useContext(NonceContext)
}
