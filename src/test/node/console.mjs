// An operator at the hub's console (/console/ on the management port) in headless Chromium (Debian's, CHROMIUM, driven
// by playwright-core): signs in (a wrong token first), watches the overview's numbers move while this script sends
// events, finds an event by messageId in the live tail and the search (and one whose data is markup, shown as text),
// shows and replays a dead letter and finds it delivered, purges another after a cancelled and a confirmed
// confirmation, previews an event, and is sent back to the token prompt when the token stops being valid.
// Screenshots go to SCREENSHOTS. Exits non-zero at the first step that does not happen, on any error in the page, any
// request to another host, or any Content-Security-Policy violation.
// ConsoleIT sets CONSOLE, HUB (base URLs), WRITE_KEY, TOKEN, CHROMIUM, SCREENSHOTS, RATE_LIMIT (the hub's calls per
// minute), FLOW_USER (a user Wootric knows), DEAD_REPLAY and DEAD_PURGE (messageIds of dead letters; the first now
// succeeds) and PREVIEW_USER.
import { mkdir } from 'node:fs/promises'
import { chromium } from 'playwright-core'

const env = process.env
const consoleHost = new URL(env.CONSOLE).host
const FLOW_EVENTS = 12
const MARKUP_USER = '<img src=x onerror="window.pwned=1">'

const problems = []
let step = 'start'

function check(condition, what) {
  if (!condition) {
    throw new Error(`${step}: ${what}`)
  }
}

/** Waits until probe() answers something truthy; fails the step after timeoutMillis. */
async function until(probe, what, timeoutMillis = 30000) {
  const deadline = Date.now() + timeoutMillis
  let last
  while (Date.now() < deadline) {
    try {
      last = await probe()
      if (last) {
        return last
      }
    } catch (error) {
      last = error.message
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`${step}: ${what} (last: ${JSON.stringify(last)})`)
}

async function send(path, event) {
  const response = await fetch(`${env.HUB}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Basic ${Buffer.from(`${env.WRITE_KEY}:`).toString('base64')}` },
    body: JSON.stringify(event),
  })
  check(response.status === 200, `the hub answered ${response.status} to ${path}: ${await response.text()}`)
}

await mkdir(env.SCREENSHOTS, { recursive: true })
const browser = await chromium.launch({
  executablePath: env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
  timeout: 30000,
})
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 820 } })
  page.setDefaultTimeout(30000)
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('console', (message) => {
    console.log(`page ${message.type()}: ${message.text()}`)
    // the 401s and the 400 are the ones this script provokes; anything else (a CSP violation above all) is a fault
    if (message.type() === 'error' && !/status of 40[01]/.test(message.text())) {
      problems.push(`page console error: ${message.text()}`)
    }
  })
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url())
    if (url.host === consoleHost) {
      return route.continue()
    }
    problems.push(`the console asked ${url.href}: it may ask nothing but the hub`)
    return route.abort()
  })
  const text = (selector) => page.locator(selector).innerText()
  const figure = async (name) => Number((await text(`[data-figure="${name}"]`)).replace(/[^0-9-]/g, '') || NaN)
  const shot = (name) => page.screenshot({ path: `${env.SCREENSHOTS}/console-${name}.png`, fullPage: true })
  const tab = (name) => page.click(`#tabs a[href="#${name}"]`)

  step = 'the token is asked for'
  await page.goto(`${env.CONSOLE}/console`)
  check(page.url().endsWith('/console/'), `/console should lead to /console/, not ${page.url()}`)
  await page.locator('#login').waitFor()
  check(await page.locator('#tabs').isHidden(), 'no panel before the token')

  step = 'a wrong token is refused'
  await page.fill('#token', 'not-the-token')
  await page.click('#login button[type=submit]')
  await until(async () => /refused/.test(await text('#login-error')), 'the prompt says the token was refused')
  check(await page.locator('#overview').isHidden(), 'no overview with a wrong token')
  check(await page.evaluate(() => sessionStorage.getItem('hubAdminToken')) === null, 'a refused token is not kept')

  step = 'the token is asked once'
  await page.fill('#token', env.TOKEN)
  await page.click('#login button[type=submit]')
  await until(async () => Number.isFinite(await figure('throughput.delivered')), 'the overview shows its numbers')
  await page.reload()
  await until(async () => Number.isFinite(await figure('throughput.delivered')), 'the overview after a reload')
  check(await page.locator('#login').isHidden(), 'a reload does not ask for the token again')

  step = 'the overview moves while events flow'
  const delivered = await figure('throughput.delivered')
  const accepted = await figure('throughput.accepted')
  await until(async () => (await figure('backlog.deadLetters')) === 2, 'the two dead letters are counted')
  await send('/v1/track', { userId: MARKUP_USER, messageId: 'console-markup', event: '<b>Clicked</b>', integrations: { Wootric: false } })
  for (let i = 1; i <= FLOW_EVENTS; i++) {
    await send('/v1/identify', { userId: env.FLOW_USER, messageId: `console-flow-${i}`, traits: { plan: `plan-${i}` } })
    if (i % 3 === 0) {
      // spread over a few polls, so the charts have a slope
      await new Promise((resolve) => setTimeout(resolve, 1500))
    }
  }
  await until(async () => (await figure('throughput.accepted')) >= accepted + FLOW_EVENTS + 1, 'accepted went up by the events sent')
  await until(async () => (await figure('throughput.delivered')) >= delivered + FLOW_EVENTS, 'delivered went up by the events sent')
  await until(async () => {
    const points = (await page.getAttribute('#chart-throughput polyline.delivered', 'points')).trim().split(' ')
    // y is 58 for a rate of 0 (the chart is 60 high)
    return points.length >= 3 && points.some((point) => Number(point.split(',')[1]) < 58)
  }, 'the throughput chart shows the deliveries')
  check((await figure('budget.used')) >= FLOW_EVENTS, 'the budget counts the calls of the window')
  check((await figure('budget.left')) <= env.RATE_LIMIT - FLOW_EVENTS, 'the budget left shrinks')
  await shot('overview')

  step = 'the live tail shows the newest outcomes'
  await tab('tail')
  await until(async () => (await text('#tail-rows')).includes(`console-flow-${FLOW_EVENTS}`), 'the last event in the tail')
  await shot('tail')

  step = 'an event is found by messageId'
  await tab('search')
  await page.fill('#search-form input[name=messageId]', 'console-flow-7')
  await page.click('#search-form button[type=submit]')
  await until(async () => (await text('#search-summary')).startsWith('1 outcome for messageId console-flow-7'), 'one outcome')
  const found = await text('#search-results')
  check(found.includes('console-flow-7') && found.includes('delivered') && found.includes(env.FLOW_USER), `the record: ${found}`)
  check(/PUT\s+http\S+\/v1\/end_users\/\d+\s+200\s+sent/.test(found), `the update sent to Wootric: ${found}`)
  await shot('search')

  step = 'event data is shown as text, never as markup'
  await page.fill('#search-form input[name=messageId]', '')
  await page.fill('#search-form input[name=userId]', MARKUP_USER)
  await page.click('#search-form button[type=submit]')
  await until(async () => (await text('#search-results')).includes(MARKUP_USER), 'the markup user, as text')
  check(await page.locator('#search-results img, #search-results b').count() === 0, 'no element made of event data')
  check(await page.evaluate(() => window.pwned) === undefined, 'no script of event data ran')
  check((await text('#search-results')).includes('skipped'), 'the markup event was skipped (integrations)')

  step = 'a dead letter is shown'
  await tab('dead-letters')
  const replayRow = page.locator(`#dlq-rows tr[data-message-id="${env.DEAD_REPLAY}"]`)
  const purgeRow = page.locator(`#dlq-rows tr[data-message-id="${env.DEAD_PURGE}"]`)
  await replayRow.waitFor()
  await purgeRow.waitFor()
  await replayRow.locator('button').click()
  await page.locator('#dlq-detail').waitFor()
  const detail = await text('#dlq-detail')
  check(detail.includes('wootric_rejected') && detail.includes('400') && detail.includes(env.DEAD_REPLAY)
    && detail.includes('{"error":"refused"}'), `the detail: ${detail}`)
  check((await text('#dlq-detail pre.event')).includes('"plan": "refused"'), 'the original event')
  await shot('dead-letters')

  step = 'the dead letter is replayed'
  await page.click('#dlq-detail button:text-is("Replay")')
  await until(async () => (await text('#dlq-message')).startsWith(`Replayed ${env.DEAD_REPLAY}`), 'the replay is confirmed')
  await replayRow.waitFor({ state: 'detached' })

  step = 'the replayed event is delivered'
  await tab('search')
  await page.fill('#search-form input[name=userId]', '')
  await page.fill('#search-form input[name=messageId]', env.DEAD_REPLAY)
  await until(async () => {
    await page.click('#search-form button[type=submit]')
    await page.waitForTimeout(500)
    return (await text('#search-summary')).startsWith('2 outcomes')
  }, 'the replay has its own outcome')
  const outcomes = await page.locator('#search-results article header .badge').allInnerTexts()
  check(JSON.stringify(outcomes) === '["delivered","dead_lettered"]', `newest first, delivered after dead-lettered: ${outcomes}`)

  step = 'a purge asks first'
  await tab('dead-letters')
  await purgeRow.locator('button').click()
  await page.click('#dlq-detail button:text-is("Purge")')
  await page.locator('#confirm').waitFor()
  check((await text('#confirm-text')).includes(env.DEAD_PURGE), 'the confirmation names the dead letter')
  await page.click('#confirm button[value=cancel]')
  await page.locator('#confirm').waitFor({ state: 'hidden' })
  await page.click('#dlq-form button[type=submit]')
  await page.waitForTimeout(1000)
  check(await purgeRow.count() === 1, 'a cancelled purge purges nothing')
  await purgeRow.locator('button').click()
  await page.click('#dlq-detail button:text-is("Purge")')
  await page.click('#confirm button[value=confirm]')
  await until(async () => (await text('#dlq-message')).startsWith(`Purged ${env.DEAD_PURGE}`), 'the purge is confirmed')
  await until(async () => (await text('#dlq-rows')).includes('No dead letter'), 'the list is empty')

  step = 'an event is previewed'
  await tab('preview')
  await page.fill('#preview-body', 'not json')
  await page.click('#preview-form button[type=submit]')
  await until(async () => (await text('#preview-error')).length > 0, 'a body that is not JSON is refused')
  await page.fill('#preview-body', JSON.stringify({ type: 'identify', userId: env.PREVIEW_USER,
    traits: { email: `${env.PREVIEW_USER}@example.com`, plan: 'trial' } }, null, 2))
  await page.click('#preview-form button[type=submit]')
  await page.locator('#preview-results article').waitFor()
  const previewed = await text('#preview-results')
  check(previewed.includes('delivered') && previewed.includes(env.PREVIEW_USER), `the preview: ${previewed}`)
  check(/POST\s+http\S+\/v1\/end_users\s+201\s+not sent/.test(previewed), `the create, not sent: ${previewed}`)
  check(!/\bsent\b/.test(previewed.replaceAll('not sent', '')), 'nothing sent')
  await page.locator('#preview-results tr:last-child details summary').click()
  check((await text('#preview-results tr:last-child details')).includes(`${env.PREVIEW_USER}@example.com`), 'the form of the create')
  check(await page.locator('#preview-error').innerText() === '', 'the earlier error is gone')
  await shot('preview')

  step = 'a refused token leads back to the prompt'
  await page.evaluate(() => sessionStorage.setItem('hubAdminToken', 'changed-since'))
  await tab('overview')
  await until(async () => page.locator('#login').isVisible(), 'the token prompt')
  check(/refused/.test(await text('#login-error')), 'the prompt says why')
  check(await page.locator('#overview').isHidden(), 'the overview is hidden')
} catch (error) {
  problems.push(error.message)
} finally {
  await browser.close()
}
if (problems.length > 0) {
  console.error('the console test failed:', problems)
  process.exit(1)
}
console.log('the console did everything asked of it')
