import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressKind, addressScope, addressToBigInt, isIPv4, isIPv6, isUnspecifiedAddress } from './address';
import { itReturns } from '../testing/table';

describe('addressKind', () => {
  itReturns('%s is %s', addressKind, [
    ['192.0.2.2', 'ipv4'],
    ['0.0.0.0', 'ipv4'],
    ['255.255.255.255', 'ipv4'],
    ['256.1.1.1', 'invalid'],
    ['01.2.3.4', 'invalid'],
    ['1.2.3', 'invalid'],
    ['fd00::2', 'ipv6'],
    ['::', 'ipv6'],
    ['::1', 'ipv6'],
    ['2001:db8:0:0:0:0:0:1', 'ipv6'],
    ['2001:db8::1:2:3:4:5', 'ipv6'],
    ['2001:db8::1:2:3:4:5:6', 'invalid'], // "::" stands for at least one zero group (RFC 4291 §2.2)
    ['::ffff:192.0.2.1', 'ipv6'],
    ['fe80::1%eth0', 'ipv6'],
    ['fe80::1%', 'invalid'],
    ['1:2:3:4:5:6:7:8:9', 'invalid'],
    ['1::2::3', 'invalid'],
    ['12345::1', 'invalid'],
    [':1::', 'invalid'],
    ['c37c161d-1920-4b1b-9ad3-86e05cc83833.local', 'mdns'],
    ['printer.local', 'hostname'],
    ['stun.l.google.com', 'hostname'],
    ['999.1.1.1', 'invalid'],
    ['-bad.example', 'invalid'],
    ['', 'invalid'],
  ]);

  it('agrees with fast-check’s IPv4 and IPv6 generators', () => {
    fc.assert(fc.property(fc.ipV4(), (a) => isIPv4(a) && !isIPv6(a)));
    fc.assert(fc.property(fc.ipV6(), (a) => isIPv6(a) && !isIPv4(a)));
  });
});

describe('addressScope', () => {
  itReturns('%s is %s', (text: string) => addressScope(text)?.scope ?? null, [
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.2', 'private'],
    ['100.64.0.1', 'shared'],
    ['169.254.1.1', 'link-local'],
    ['192.0.2.2', 'documentation'],
    ['0.0.0.0', 'unspecified'],
    ['8.8.8.8', 'public'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fd00::2', 'unique-local'],
    ['2001:db8::1', 'documentation'],
    ['2606:4700::1111', 'public'],
    ['x.local', null],
  ]);

  it('turns addresses into integers', () => {
    expect(addressToBigInt('1.2.3.4')).toBe(0x01020304n);
    expect(addressToBigInt('::ffff:1.2.3.4')).toBe(0xffff01020304n);
    expect(addressToBigInt('2001:db8::1')).toBe(0x20010db8000000000000000000000001n);
    expect(addressToBigInt('nope')).toBeNull();
  });

  it('knows the unspecified addresses', () => {
    expect(['0.0.0.0', '::', '0:0:0:0:0:0:0:0'].every(isUnspecifiedAddress)).toBe(true);
    expect(isUnspecifiedAddress('127.0.0.1')).toBe(false);
  });
});
