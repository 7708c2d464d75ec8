/**
 * Test PKI generated with openssl at test time (nothing secret is committed): a CA, a server
 * certificate it signed for localhost/127.0.0.1, a client certificate it signed (mTLS), and an
 * unrelated self-signed certificate that the CA did not sign.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";

/** Paths of the generated PEM files. */
export interface TestPki {
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** Self-signed, not issued by the CA: a client certificate an mTLS server must refuse. */
  strangerCert: string;
  strangerKey: string;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
  } catch (err) {
    throw new Error(`openssl ${args.join(" ")} failed: ${String((err as { stderr?: Buffer }).stderr ?? err)}`, { cause: err });
  }
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

/** Writes a CA, a server and a client certificate (EC P-256, valid 1 day) into `dir`. */
export function makeTestPki(dir: string): TestPki {
  const p = (f: string) => path.join(dir, f);
  openssl(["req", "-x509", ...EC, "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=flowctl-test-ca"], dir);
  const issue = (name: string, ext: string) => {
    openssl(["req", ...EC, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`], dir);
    openssl(["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", `${name}.crt`, "-days", "1", "-extfile", ext], dir);
  };
  writeFileSync(p("server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  writeFileSync(p("client.ext"), "extendedKeyUsage=clientAuth\n");
  issue("server", "server.ext");
  issue("client", "client.ext");
  openssl(["req", "-x509", ...EC, "-keyout", "stranger.key", "-out", "stranger.crt", "-days", "1", "-subj", "/CN=stranger"], dir);
  return {
    caCert: p("ca.crt"),
    serverCert: p("server.crt"),
    serverKey: p("server.key"),
    clientCert: p("client.crt"),
    clientKey: p("client.key"),
    strangerCert: p("stranger.crt"),
    strangerKey: p("stranger.key"),
  };
}
