// Test certificates, made at test time with the openssl CLI: a throwaway CA and server
// certificates for 127.0.0.1/localhost that it signs (EC P-256: quick to make).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestCa {
  dir: string;
  caFile: string;
  caKeyFile: string;
  ca: string;
}

export interface TestCert {
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function makeCa(name = 'aigis-test-ca'): TestCa {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-pki-'));
  openssl(
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', `/CN=${name}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    dir,
  );
  return { dir, caFile: path.join(dir, 'ca.crt'), caKeyFile: path.join(dir, 'ca.key'), ca: fs.readFileSync(path.join(dir, 'ca.crt'), 'utf8') };
}

let serial = 0;

/** A server certificate for 127.0.0.1 and localhost signed by `ca`, written as `<base>.crt/.key`. */
export function issueCert(ca: TestCa, base = 'server', cn = 'localhost'): TestCert {
  const n = `${base}-${process.pid}-${serial++}`;
  const ext = path.join(ca.dir, `${n}.ext`);
  fs.writeFileSync(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n');
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${n}.key`, '-out', `${n}.csr`, '-subj', `/CN=${cn}`], ca.dir);
  openssl(['x509', '-req', '-in', `${n}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${n}.crt`, '-days', '2', '-extfile', ext], ca.dir);
  const certFile = path.join(ca.dir, `${n}.crt`);
  const keyFile = path.join(ca.dir, `${n}.key`);
  return { certFile, keyFile, cert: fs.readFileSync(certFile, 'utf8'), key: fs.readFileSync(keyFile, 'utf8') };
}
