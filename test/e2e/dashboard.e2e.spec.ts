// The dashboard as a person uses it: Debian's chromium, headless, driven by playwright-core, against the real stack.
import { jest } from '@jest/globals';
import { freePort, repoRoot, type ServiceProcess } from '@gwpool/launcher';
import { TestStack } from '@gwpool/testing';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { HeartbeatPump, poolWith, registerGateways } from './fleet.js';

jest.setTimeout(120_000);

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** Where the test leaves its screenshot, for people to look at (ignored by git). */
export const SCREENSHOT = join(repoRoot(), '.data/screenshots/dashboard.png');

describe('the dashboard in a browser', () => {
  const org = 'acme';
  let stack: TestStack;
  let pump: HeartbeatPump;
  let dashboard: ServiceProcess;
  let url: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    stack = await TestStack.start({ heartbeatTtl: '3s' });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    dashboard = stack.add('dashboard', { DASHBOARD_PORT: String(port) });
    await stack.waitReady(dashboard);
    pump = new HeartbeatPump(stack.client, org);
    await registerGateways(stack.client, org, ['gw-1', 'gw-2', 'gw-3']);
    await poolWith(stack.client, org, 'edge-eu', ['gw-1', 'gw-2', 'gw-3']);
    for (const id of ['gw-1', 'gw-2', 'gw-3']) pump.set(id, 'passed');
    browser = await chromium.launch({
      executablePath: process.env['CHROMIUM_BIN'] ?? '/usr/bin/chromium',
      args: CHROMIUM_FLAGS,
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });
  afterAll(async () => {
    pump?.stop();
    await browser?.close();
    await stack?.stop();
  });

  const badge = () => page.getByTestId('badge-edge-eu').first();

  it('shows a pool with its badge, health, members and consumers, and its members in the detail', async () => {
    await page.goto(`${url}/orgs/${org}`);
    await badge().filter({ hasText: 'green' }).waitFor();
    expect(await badge().textContent()).toBe('● green  3/3 healthy');
    expect(await page.getByTestId('pool-edge-eu').textContent()).toContain('3 members0 consumers');
    await page.getByTestId('member-gw-2').waitFor();
    expect(await page.getByTestId('member-gw-2').textContent()).toMatch(/gw-2Gateway gw-2eu-1● healthypassed/);
    expect(await page.getByTestId('gateway-gw-3').textContent()).toContain('edge-eu');
  });

  it('turns the badge yellow without a reload when a member fails its check, and lists the transition', async () => {
    await page.evaluate(() => ((globalThis as unknown as { loadedOnce: boolean }).loadedOnce = true));
    pump.set('gw-2', 'failed');
    await badge().filter({ hasText: 'yellow' }).waitFor();
    expect(await badge().textContent()).toBe('● yellow  2/3 healthy');
    expect(await page.evaluate(() => (globalThis as unknown as { loadedOnce?: boolean }).loadedOnce)).toBe(true);
    await page.locator('#transitions').filter({ hasText: 'check-failed' }).waitFor();
    mkdirSync(join(repoRoot(), '.data/screenshots'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('says so when the dashboard server goes away, and comes back live without a reload', async () => {
    await dashboard.stop('SIGTERM');
    await page.locator('#banner').filter({ hasText: 'Disconnected' }).waitFor();
    await stack.restart(dashboard);
    await page.locator('#conn').filter({ hasText: 'live' }).waitFor();
    await page.locator('#banner.hidden').waitFor({ state: 'attached' });
    expect(await page.evaluate(() => (globalThis as unknown as { loadedOnce?: boolean }).loadedOnce)).toBe(true);
  });

  it('shows an empty org as empty, and refuses a path that is not an org', async () => {
    const empty = await browser.newPage();
    await empty.goto(`${url}/orgs/nobody-here`);
    await empty.getByTestId('no-pools').waitFor();
    expect(await empty.getByTestId('no-pools').textContent()).toContain('No pools in org nobody-here yet');
    await empty.close();
    for (const path of ['/orgs/..%2F..%2Fetc', '/orgs/%E0%A4%A', '/orgs/a.b', '/nowhere', `/orgs/${'x'.repeat(65)}`]) {
      const response = await fetch(`${url}${path}`);
      expect([path, response.status]).toEqual([path, 404]);
    }
    expect((await fetch(`${url}/orgs/${org}`, { method: 'POST' })).status).toBe(405);
  });
});
