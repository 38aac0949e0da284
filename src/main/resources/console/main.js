// The console: the token prompt, the tabs (one panel shown at a time, named by the URL's #fragment), and stopping
// every poll while the panel is hidden, the tab is in the background, or the token is refused.
import { api, token, Unauthorized, whenUnauthorized } from './api.js'
import { deadLetters } from './dead-letters.js'
import { $, fill } from './dom.js'
import { overview } from './overview.js'
import { preview } from './preview.js'
import { search } from './search.js'
import { tail } from './tail.js'

const panels = { overview, tail, search, 'dead-letters': deadLetters, preview }
let current = null

function route() {
  const [name, params] = location.hash.slice(1).split('?')
  const next = panels[name] ? name : 'overview'
  if (current && current !== next) {
    panels[current].hide()
  }
  current = next
  for (const id of Object.keys(panels)) {
    $(`#${id}`).hidden = id !== next
  }
  for (const link of document.querySelectorAll('#tabs a')) {
    link.classList.toggle('current', link.getAttribute('href') === `#${next}`)
  }
  panels[next].show(new URLSearchParams(params ?? ''))
}

function signedIn(yes, message = '') {
  $('#login').hidden = yes
  $('#tabs').hidden = !yes
  $('#sign-out').hidden = !yes
  fill($('#login-error'), message)
  if (yes) {
    route()
  } else {
    if (current) {
      panels[current].hide()
      $(`#${current}`).hidden = true
      current = null
    }
    $('#token').value = ''
    $('#token').focus()
  }
}

whenUnauthorized(() => signedIn(false, 'The hub refused the token. Enter it again.'))

$('#login').addEventListener('submit', async (event) => {
  event.preventDefault()
  token.set($('#token').value.trim())
  try {
    // a call that needs the token: a wrong one is told here, not on the first panel
    await api('GET', 'overview')
    signedIn(true)
  } catch (error) {
    if (!(error instanceof Unauthorized)) {
      token.clear()
      fill($('#login-error'), `The hub did not answer: ${error.message}`)
    }
  }
})

$('#sign-out').addEventListener('click', () => {
  token.clear()
  signedIn(false)
})

window.addEventListener('hashchange', () => {
  if (token.get()) {
    route()
  }
})

document.addEventListener('visibilitychange', () => {
  if (current) {
    if (document.hidden) {
      panels[current].hide()
    } else {
      panels[current].show(new URLSearchParams())
    }
  }
})

signedIn(Boolean(token.get()))
