/**
 * The test hosts' LAN (bench/lan.ts): each host has its own address and only the LAN, this process
 * reaches every host and the hosts each other, no host reaches this namespace's loopback, teardown
 * leaves nothing, and a killed run's leftovers are swept once old.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { IP_BINARY, startLan, sweepLeftoverLans, type Lan } from '../../bench/lan';

jest.setTimeout(60_000);

const run = promisify(execFile);
const namespaces = () => execFileSync(IP_BINARY, ['netns', 'list'], { encoding: 'utf8' });
const links = () => execFileSync(IP_BINARY, ['link', 'show'], { encoding: 'utf8' });

/** What `node -e` prints on host `prefix` for a fetch of `url`: the body, or the error's code. */
async function fetchFrom(prefix: string[], url: string): Promise<string> {
  const script = `fetch(${JSON.stringify(url)}, { signal: AbortSignal.timeout(3000) }).then((r) => r.text(), (e) => 'failed: ' + (e.cause?.code ?? e.name)).then((t) => process.stdout.write(t))`;
  const [command, ...args] = [...prefix, process.execPath, '-e', script];
  return (await run(command, args)).stdout;
}

let lan: Lan;

afterAll(() => lan?.teardown());

describe('a LAN of test hosts in network namespaces', () => {
  it('gives each host its own address; this process and the other hosts reach it there, and it does not reach this loopback', async () => {
    lan = startLan(['alpha', 'beta']);
    const { alpha, beta } = lan.hosts;
    expect(alpha.ip).not.toBe(beta.ip);
    expect(alpha.ip.split('.').slice(0, 3)).toEqual(lan.rootIp.split('.').slice(0, 3));
    // Only lo and the LAN inside a host.
    const inside = execFileSync(IP_BINARY, ['-n', alpha.netns, '-o', '-4', 'addr', 'show'], { encoding: 'utf8' });
    expect(inside.match(/inet \S+/g)).toEqual(['inet 127.0.0.1/8', `inet ${alpha.ip}/24`]);

    const [command, ...args] = [...alpha.prefix, process.execPath, '-e', `require('http').createServer((q, r) => r.end('alpha')).listen(8080, '${alpha.ip}')`];
    const server = spawn(command, args, { stdio: 'ignore' });
    try {
      let fromRoot = '';
      for (let i = 0; i < 50 && fromRoot !== 'alpha'; i++) {
        fromRoot = await fetch(`http://${alpha.ip}:8080`).then(
          (r) => r.text(),
          () => '',
        );
        if (fromRoot !== 'alpha') await new Promise((r) => setTimeout(r, 100));
      }
      expect(fromRoot).toBe('alpha');
      expect(await fetchFrom(beta.prefix, `http://${alpha.ip}:8080`)).toBe('alpha');
    } finally {
      server.kill();
    }
    // A server on this namespace's loopback is out of every host's reach.
    const local = http.createServer((_, res) => res.end('root'));
    await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(local.address() as AddressInfo).port}`;
      expect(await fetch(url).then((r) => r.text())).toBe('root');
      expect(await fetchFrom(beta.prefix, url)).toBe('failed: ECONNREFUSED');
    } finally {
      local.close();
    }
  });

  it('tears down every namespace and the uplink, and a second teardown does nothing', () => {
    const tag = lan.tag;
    expect(namespaces()).toContain(`maftlan-${tag}-switch`);
    lan.teardown();
    expect(namespaces()).not.toContain(`maftlan-${tag}-`);
    expect(links()).not.toContain(`mlan${tag}`);
    expect(() => lan.teardown()).not.toThrow();
  });

  it('sweeps the namespaces a killed run left behind once they are old enough, and keeps younger ones', async () => {
    // Their own prefix, so that this sweep (1 s instead of 30 min) touches no other test's LAN.
    const [old, young] = ['maftlan-swp001-x', 'maftlan-swp002-x'];
    try {
      execFileSync(IP_BINARY, ['netns', 'add', old]);
      await new Promise((r) => setTimeout(r, 1500));
      execFileSync(IP_BINARY, ['netns', 'add', young]);
      sweepLeftoverLans(1000, 'maftlan-swp');
      expect(namespaces()).not.toContain(old);
      expect(namespaces()).toContain(young);
    } finally {
      for (const netns of [old, young]) if (namespaces().includes(netns)) execFileSync(IP_BINARY, ['netns', 'delete', netns]);
    }
    expect(() => sweepLeftoverLans(0, 'test-')).toThrow('lan: sweeps only its own namespaces (maftlan-...), not test-...');
  });
});
