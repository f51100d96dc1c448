/**
 * A private LAN of test hosts on this machine, in Linux network namespaces (root only; iproute2's
 * `ip`): a "switch" namespace holding a bridge, one namespace per host joined to it by a veth pair
 * with its own address in a 10.x.y.0/24 subnet drawn per LAN, and one veth from this (the root)
 * namespace into the switch so this process reaches the hosts. A host's processes run through its
 * spawn prefix (`ip netns exec <ns>`): they see only `lo` and the LAN, so they share no address with
 * each other nor with anything else. The multi-host test and the hosts benchmark use it.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';

export const IP_BINARY = process.env.MAFT_IP_BIN ?? '/usr/sbin/ip';
/** Every namespace a LAN makes is named maftlan-<tag>-<host>; a leftover older than this is swept. */
const NAMESPACE_PREFIX = 'maftlan-';
const LEFTOVER_AGE_MS = 30 * 60_000;

export interface LanHost {
  name: string;
  netns: string;
  ip: string;
  /** Put before a command to run it on this host: ['/usr/sbin/ip', 'netns', 'exec', netns]. */
  prefix: string[];
}

export interface Lan {
  tag: string;
  /** This (root) namespace's address on the LAN. */
  rootIp: string;
  hosts: Record<string, LanHost>;
  /** Ends every process still in the LAN's namespaces and deletes them; idempotent. */
  teardown(): void;
}

function ip(args: string[]): string {
  try {
    return execFileSync(IP_BINARY, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer | string }).stderr ?? '').trim();
    throw new Error(`${IP_BINARY} ${args.join(' ')} failed: ${stderr || (error as Error).message}`);
  }
}

/** The names `ip netns list` shows (a line is "NAME" or "NAME (id: N)"). */
const namespaceNames = () =>
  ip(['netns', 'list'])
    .split('\n')
    .map((line) => line.split(' ')[0])
    .filter(Boolean);

/** Kills (by pid) every process in a namespace, then deletes it; nothing if it is gone. */
function deleteNamespace(netns: string): void {
  if (!namespaceNames().includes(netns)) return;
  for (const pid of ip(['netns', 'pids', netns]).split('\n').filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  ip(['netns', 'delete', netns]);
}

/** Deletes the namespaces of LANs whose process was killed before its teardown: those named `prefix`... (a LAN's own
 * prefix or a narrower one) made more than `olderThanMs` ago (a namespace's file under /run/netns has its birth time). */
export function sweepLeftoverLans(olderThanMs = LEFTOVER_AGE_MS, prefix = NAMESPACE_PREFIX): void {
  if (!prefix.startsWith(NAMESPACE_PREFIX)) throw new Error(`lan: sweeps only its own namespaces (${NAMESPACE_PREFIX}...), not ${prefix}...`);
  const now = Date.now();
  for (const netns of namespaceNames().filter((name) => name.startsWith(prefix))) {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(`/run/netns/${netns}`).mtimeMs;
    } catch {
      continue; // deleted meanwhile
    }
    if (now - mtimeMs > olderThanMs) deleteNamespace(netns);
  }
}

/** A /24 of 10.128-247.x.0 that no interface of this namespace is on. */
function freeSubnet(): string {
  const taken = ip(['-4', 'addr', 'show']);
  for (;;) {
    const subnet = `10.${128 + (randomBytes(1)[0] % 120)}.${randomBytes(1)[0]}`;
    if (!taken.includes(` ${subnet}.`)) return subnet;
  }
}

/** Makes the LAN with one host per name (short names: [a-z0-9], at most 12 characters); its hosts are .10, .11, ... */
export function startLan(hostNames: string[]): Lan {
  for (const name of hostNames) if (!/^[a-z0-9]{1,12}$/.test(name)) throw new Error(`lan: host name "${name}" must be 1-12 of [a-z0-9]`);
  if (new Set(hostNames).size !== hostNames.length) throw new Error(`lan: host names repeat: ${hostNames.join(', ')}`);
  if (hostNames.length > 200) throw new Error('lan: at most 200 hosts');
  if (process.getuid?.() !== 0) throw new Error('lan: network namespaces need root (ip netns add): run as root');
  if (!existsSync(IP_BINARY)) throw new Error(`lan: iproute2's ip not found at ${IP_BINARY} (MAFT_IP_BIN)`);
  sweepLeftoverLans();
  const tag = randomBytes(3).toString('hex');
  const subnet = freeSubnet();
  const switchNs = `${NAMESPACE_PREFIX}${tag}-switch`;
  const uplink = `mlan${tag}`; // in the root namespace: unique there, 10 characters (interface names have at most 15)
  const made: string[] = [];
  const teardown = () => {
    for (const netns of made.splice(0).reverse()) deleteNamespace(netns);
    // Deleting the switch deletes the uplink's peer and with it the uplink, but asynchronously: delete it now.
    if (ip(['link', 'show']).includes(` ${uplink}@`)) ip(['link', 'delete', uplink]);
  };
  try {
    ip(['netns', 'add', switchNs]);
    made.push(switchNs);
    ip(['-n', switchNs, 'link', 'add', 'br0', 'type', 'bridge']);
    ip(['-n', switchNs, 'link', 'set', 'br0', 'up']);
    const joinSwitch = (port: string) => {
      ip(['-n', switchNs, 'link', 'set', port, 'master', 'br0']);
      ip(['-n', switchNs, 'link', 'set', port, 'up']);
    };
    ip(['link', 'add', uplink, 'type', 'veth', 'peer', 'name', 'uplink', 'netns', switchNs]);
    joinSwitch('uplink');
    const rootIp = `${subnet}.1`;
    ip(['addr', 'add', `${rootIp}/24`, 'dev', uplink]);
    ip(['link', 'set', uplink, 'up']);
    const hosts: Record<string, LanHost> = {};
    hostNames.forEach((name, i) => {
      const netns = `${NAMESPACE_PREFIX}${tag}-${name}`;
      ip(['netns', 'add', netns]);
      made.push(netns);
      // Each end is made in the namespace it belongs to, so its name only needs to be unique there.
      ip(['-n', netns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', `p-${name}`, 'netns', switchNs]);
      joinSwitch(`p-${name}`);
      const address = `${subnet}.${10 + i}`;
      ip(['-n', netns, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
      ip(['-n', netns, 'link', 'set', 'eth0', 'up']);
      ip(['-n', netns, 'link', 'set', 'lo', 'up']);
      hosts[name] = { name, netns, ip: address, prefix: [IP_BINARY, 'netns', 'exec', netns] };
    });
    return { tag, rootIp, hosts, teardown };
  } catch (error) {
    teardown();
    throw error;
  }
}
