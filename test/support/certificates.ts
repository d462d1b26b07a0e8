// Throwaway certificates for TLS tests, made at test time and never kept in
// the repository: a CA the tests trust, server certificates it signs (valid,
// expired, for another host), and two nobody trusts (self-signed, and signed
// by an unknown CA). ECDSA P-256 over WebCrypto: a whole set takes
// milliseconds. Used by the unit tests and by the in-host launcher.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type KeyPair = webcrypto.CryptoKeyPair;

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * A name only the test proxy resolves (to loopback): a connection to it works
 * through the proxy and cannot work without it, as a remote server behind a
 * corporate proxy. `.test` is reserved (RFC 2606): no resolver answers it.
 */
export const PROXIED_TEST_HOST = 'emulator.instamrkt.test';
/** The names every server certificate but `wrongHost` is for: the loopback addresses tests serve on, and PROXIED_TEST_HOST. */
export const TEST_SERVER_NAMES = { dns: ['localhost', PROXIED_TEST_HOST], ip: ['127.0.0.1', '127.0.0.2', '::1'] } as const;
/** The only name `wrongHost` is for. */
export const WRONG_HOST_NAME = 'other.example';

export interface CertAndKey {
  /** PEM certificate. */
  readonly cert: string;
  /** PEM PKCS#8 private key. */
  readonly key: string;
}

export interface TestPki {
  /** The CA certificate (PEM) to trust. */
  readonly ca: string;
  /** Signed by `ca`, valid now, for TEST_SERVER_NAMES. */
  readonly server: CertAndKey;
  /** Signed by `ca`, for TEST_SERVER_NAMES, expired at `expiredAt`. */
  readonly expired: CertAndKey & { readonly expiredAt: Date };
  /** Signed by `ca`, valid now, for WRONG_HOST_NAME only. */
  readonly wrongHost: CertAndKey;
  /** Self-signed, valid now, for TEST_SERVER_NAMES. */
  readonly selfSigned: CertAndKey;
  /** Signed by a CA nobody trusts, valid now, for TEST_SERVER_NAMES. */
  readonly unknownCa: CertAndKey;
}

interface Issuer {
  readonly name: string;
  readonly keys: KeyPair;
}

let serial = 0;
function nextSerial(): string {
  serial += 1;
  // Positive and unique within a run; random high bytes so two runs' certificates differ.
  return `${webcrypto.getRandomValues(new Uint8Array(4)).reduce((s, b) => s + (b & 0x7f).toString(16).padStart(2, '0'), '')}${serial.toString(16).padStart(4, '0')}`;
}

function newKeys(): Promise<KeyPair> {
  return webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']) as Promise<KeyPair>;
}

async function keyPem(keys: KeyPair): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
}

async function makeCa(commonName: string): Promise<{ issuer: Issuer; cert: x509.X509Certificate }> {
  const keys = await newKeys();
  const name = `CN=${commonName}, O=Instamrkt tests`;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: nextSerial(),
    name,
    notBefore: new Date(Date.now() - HOUR),
    notAfter: new Date(Date.now() + 7 * DAY),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { issuer: { name, keys }, cert };
}

interface LeafOptions {
  readonly commonName: string;
  readonly dns: readonly string[];
  readonly ip: readonly string[];
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Absent: self-signed. */
  readonly issuer?: Issuer;
}

async function makeLeaf(options: LeafOptions): Promise<CertAndKey> {
  const keys = await newKeys();
  const names = [...options.dns.map((value) => ({ type: 'dns' as const, value })), ...options.ip.map((value) => ({ type: 'ip' as const, value }))];
  const subject = `CN=${options.commonName}, O=Instamrkt tests`;
  const extensions = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    new x509.SubjectAlternativeNameExtension(names),
  ];
  const common = { serialNumber: nextSerial(), notBefore: options.notBefore, notAfter: options.notAfter, signingAlgorithm: ALGORITHM, extensions };
  const cert = options.issuer
    ? await x509.X509CertificateGenerator.create({ ...common, subject, issuer: options.issuer.name, publicKey: keys.publicKey, signingKey: options.issuer.keys.privateKey })
    : await x509.X509CertificateGenerator.createSelfSigned({ ...common, name: subject, keys });
  return { cert: cert.toString('pem'), key: await keyPem(keys) };
}

/** A fresh set: a trusted CA and every kind of server certificate the TLS tests need. */
export async function makeTestPki(): Promise<TestPki> {
  const trusted = await makeCa('Instamrkt Test CA');
  const stranger = await makeCa('Unknown Test CA');
  const now = Date.now();
  const valid = { notBefore: new Date(now - HOUR), notAfter: new Date(now + 7 * DAY) };
  const servers = { commonName: '127.0.0.1', dns: TEST_SERVER_NAMES.dns, ip: TEST_SERVER_NAMES.ip };
  const expiredAt = new Date(now - DAY);
  const [server, expired, wrongHost, selfSigned, unknownCa] = await Promise.all([
    makeLeaf({ ...servers, ...valid, issuer: trusted.issuer }),
    makeLeaf({ ...servers, notBefore: new Date(now - 30 * DAY), notAfter: expiredAt, issuer: trusted.issuer }),
    makeLeaf({ commonName: WRONG_HOST_NAME, dns: [WRONG_HOST_NAME], ip: [], ...valid, issuer: trusted.issuer }),
    makeLeaf({ ...servers, ...valid }),
    makeLeaf({ ...servers, ...valid, issuer: stranger.issuer }),
  ]);
  return { ca: trusted.cert.toString('pem'), server, expired: { ...expired, expiredAt }, wrongHost, selfSigned, unknownCa };
}

export interface CertFiles {
  readonly cert: string;
  readonly key: string;
}

/** Where writeTestPki put each file. */
export interface TestPkiFiles {
  readonly ca: string;
  readonly server: CertFiles;
  readonly expired: CertFiles;
  readonly wrongHost: CertFiles;
  readonly selfSigned: CertFiles;
  readonly unknownCa: CertFiles;
}

/** Writes the set as PEM files into `dir` (keys readable by the owner only). */
export function writeTestPki(dir: string, pki: TestPki): TestPkiFiles {
  fs.mkdirSync(dir, { recursive: true });
  const write = (name: string, text: string, mode: number): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text, { mode });
    return file;
  };
  const pair = (name: string, pem: CertAndKey): CertFiles => ({ cert: write(`${name}.crt`, pem.cert, 0o644), key: write(`${name}.key`, pem.key, 0o600) });
  return {
    ca: write('ca.crt', pki.ca, 0o644),
    server: pair('server', pki.server),
    expired: pair('expired', pki.expired),
    wrongHost: pair('wrong-host', pki.wrongHost),
    selfSigned: pair('self-signed', pki.selfSigned),
    unknownCa: pair('unknown-ca', pki.unknownCa),
  };
}
