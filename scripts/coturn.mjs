// A throwaway coturn on loopback, as the STUN capture, the ICE stats capture and the e2e tests
// start it: one command line and one free-port search (docs/TOOLCHAIN.md explains the flags).
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import path from 'node:path';

export const TURNSERVER = process.env.TURNSERVER_PATH ?? '/usr/bin/turnserver';

/** The long-term credentials every test server accepts. */
export const COTURN_USER = 'test';
export const COTURN_PASSWORD = 'test';

/**
 * coturn's arguments: loopback only, long-term credentials in realm example.org, no TLS or
 * DTLS, FINGERPRINT on every message, logs on stdout.
 * @param {{ port: number, ipv6?: boolean, minPort?: number, maxPort?: number, pidDir?: string, loopbackPeers?: boolean }} o
 * @returns {string[]}
 */
export function coturnArgs({ port, ipv6 = false, minPort = 49160, maxPort = 49200, pidDir, loopbackPeers = true }) {
  return [
    '-n',
    '--listening-ip=127.0.0.1',
    ...(ipv6 ? ['--listening-ip=::1'] : []),
    '--relay-ip=127.0.0.1',
    `--listening-port=${port}`,
    '--lt-cred-mech',
    `--user=${COTURN_USER}:${COTURN_PASSWORD}`,
    '--realm=example.org',
    '--no-tls',
    '--no-dtls',
    '--fingerprint',
    '--no-cli',
    ...(loopbackPeers ? ['--allow-loopback-peers'] : []),
    `--min-port=${minPort}`,
    `--max-port=${maxPort}`,
    // Keep coturn's pid file out of /var/run (its default).
    ...(pidDir ? [`--pidfile=${path.join(pidDir, 'turnserver.pid')}`] : []),
    '--log-file=stdout',
  ];
}

/** @returns {Promise<boolean>} */
function tcpFree(/** @type {number} */ port, /** @type {string} */ host) {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** @returns {Promise<boolean>} */
function udpFree(/** @type {number} */ port, /** @type {string} */ host) {
  return new Promise((resolve) => {
    const sock = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    sock.once('error', () => resolve(false));
    sock.bind(port, host, () => sock.close(() => resolve(true)));
  });
}

/**
 * A port free for TCP and UDP, with the next one free too (coturn's RFC 5780 alternate port),
 * on 127.0.0.1 and, with `ipv6`, on ::1.
 * @param {{ ipv6?: boolean }} [opts]
 * @returns {Promise<number>}
 */
export async function freeCoturnPort({ ipv6 = false } = {}) {
  const hosts = ipv6 ? ['127.0.0.1', '::1'] : ['127.0.0.1'];
  for (let tries = 0; tries < 50; tries++) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    let ok = true;
    for (const p of [port, port + 1]) for (const h of hosts) ok &&= (await tcpFree(p, h)) && (await udpFree(p, h));
    if (ok) return port;
  }
  throw new Error(`no free port pair for coturn on ${hosts.join(' and ')}`);
}
