// The hub's admin API with the operator's token. The token is asked once and kept in sessionStorage: it lasts as long
// as the tab, is never written to disk, and no other tab or site sees it.
const KEY = 'hubAdminToken'

export const token = {
  get: () => sessionStorage.getItem(KEY),
  set: (value) => sessionStorage.setItem(KEY, value),
  clear: () => sessionStorage.removeItem(KEY),
}

/** Thrown when the hub refuses the token; the console is then back at the token prompt. */
export class Unauthorized extends Error {}

let onUnauthorized = () => {}

/** What to do when the hub refuses the token (it may have been changed since it was given). */
export function whenUnauthorized(handler) {
  onUnauthorized = handler
}

/**
 * A call to the admin API: path relative to /admin/, so the console also works behind a proxy that mounts the hub
 * under a prefix. Answers the JSON of a 2xx; throws Unauthorized on 401, an Error with the hub's message otherwise.
 */
export async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${token.get() ?? ''}` }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json'
  }
  const response = await fetch(`../admin/${path}`, { method, headers, body, cache: 'no-store' })
  if (response.status === 401) {
    token.clear()
    onUnauthorized()
    throw new Unauthorized('the hub refused the admin token')
  }
  const json = await response.json().catch(() => null)
  if (!response.ok) {
    throw new Error(json?.message ?? `${method} ${path} answered ${response.status}`)
  }
  return json
}

/** A query string of the non-empty values. */
export function query(values) {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && String(value).trim() !== '') {
      params.set(name, String(value).trim())
    }
  }
  const text = params.toString()
  return text ? `?${text}` : ''
}

/**
 * Runs task now and then every intervalMillis until stopped, one run at a time (a slow hub never gets the next
 * request before it answered the last). Errors go to onError (null after a run that succeeded); after Unauthorized
 * it stops, as the console is back at the token prompt.
 */
export function poller(task, intervalMillis, onError) {
  // a run still in flight when the poller is stopped (or started again) must not schedule another
  let generation = 0
  let timer = null
  const loop = async (mine) => {
    try {
      await task()
      if (mine === generation) {
        onError(null)
      }
    } catch (error) {
      if (error instanceof Unauthorized) {
        return
      }
      if (mine === generation) {
        onError(error)
      }
    }
    if (mine === generation) {
      timer = setTimeout(() => loop(mine), intervalMillis)
    }
  }
  return {
    start() {
      clearTimeout(timer)
      loop(++generation)
    },
    stop() {
      generation++
      clearTimeout(timer)
    },
  }
}
