import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { closeServer, readBody } from './http.js';
import { localhostCertificate } from './tls-certificate.js';

/** The audience Key Vault's data plane accepts tokens for, as its challenge names it. */
export const KEY_VAULT_AUDIENCE = 'https://vault.azure.net';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
/** The data-plane versions @azure/keyvault-secrets 4.x speaks (4.11 sends 2025-07-01). */
const API_VERSIONS = new Set(['7.4', '7.5', '7.6', '2025-07-01']);
/** Key Vault's rule for secret names. */
const SECRET_NAME = /^[0-9a-zA-Z-]{1,127}$/;

interface Version {
  id: string;
  value: string;
  created: number;
}

/**
 * A Key Vault's secrets endpoint, over HTTPS (Azure SDKs send bearer tokens over TLS only),
 * checking what Key Vault checks of `GET /secrets/{name}/{version}`: the api-version; the bearer
 * token (none or one for another audience: 401 with the challenge the SDK answers by asking its
 * credential for a token); the reader holding Key Vault Secrets User (403 otherwise); the secret's
 * name and version (404 SecretNotFound for one it does not hold). It answers the secret bundle the
 * SDK reads (`value`, `id` naming vault, name and version, `attributes`). Setting a secret again
 * makes a new version, as rotating one in Key Vault does; the latest is what a read without a
 * version gets. Its certificate is made for the run with openssl.
 */
export class KeyVaultStandIn {
  readonly ca: string;
  private readonly key: string;
  private readonly secrets = new Map<string, Version[]>();
  /** Every secret read that reached the vault with a valid token, by name (what a cache saves). */
  readonly reads: string[] = [];
  readonly refused: { status: number; reason: string }[] = [];
  /** The `oid` claims that hold Key Vault Secrets User on the vault; undefined: any token. */
  readers: Set<string> | undefined;
  private server: Server | undefined;
  private base = '';

  constructor() {
    const { key, cert } = localhostCertificate();
    this.key = key;
    this.ca = cert;
  }

  /** Adds a version of the secret and makes it the latest (a rotation); answers its version id. */
  setSecret(name: string, value: string): string {
    if (!SECRET_NAME.test(name)) throw new Error(`Key Vault refuses the secret name ${name}`);
    const version = randomBytes(16).toString('hex');
    const versions = this.secrets.get(name) ?? [];
    versions.push({ id: version, value, created: Math.floor(Date.now() / 1000) });
    this.secrets.set(name, versions);
    return version;
  }

  async start(): Promise<string> {
    this.server = createServer({ key: this.key, cert: this.ca }, (req, res) => {
      void readBody(req).then(() => {
        const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
          res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
          res.end(JSON.stringify(body));
        };
        const refuse = (
          status: number,
          code: string,
          reason: string,
          headers: Record<string, string> = {},
        ) => {
          this.refused.push({ status, reason });
          answer(status, { error: { code, message: reason } }, headers);
        };
        const url = new URL(req.url ?? '/', 'https://localhost');
        if (!API_VERSIONS.has(url.searchParams.get('api-version') ?? '')) {
          return refuse(
            400,
            'BadParameter',
            `unsupported api-version ${url.searchParams.get('api-version')}`,
          );
        }
        const claims = claimsOf(req.headers.authorization);
        if (claims?.aud !== KEY_VAULT_AUDIENCE) {
          // The challenge: the SDK's first request carries no token on purpose, to learn where to get one.
          return refuse(
            401,
            'Unauthorized',
            claims
              ? `AKV10022: Invalid audience ${String(claims.aud)}`
              : 'AKV10000: Request is missing a Bearer or PoP token.',
            {
              'www-authenticate': `Bearer authorization="https://login.microsoftonline.com/${TENANT}", resource="${KEY_VAULT_AUDIENCE}"`,
            },
          );
        }
        const path = /^\/secrets\/([^/]+)(?:\/([^/]*))?$/.exec(url.pathname);
        if (req.method !== 'GET' || !path)
          return refuse(405, 'BadParameter', 'only reading a secret is served');
        if (this.readers && !this.readers.has(String(claims.oid))) {
          return refuse(
            403,
            'Forbidden',
            `Caller is not authorized to perform action on resource. Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action' (oid ${String(claims.oid)})`,
          );
        }
        const name = decodeURIComponent(path[1] ?? '');
        const wanted = path[2] ? decodeURIComponent(path[2]) : '';
        this.reads.push(name);
        const versions = this.secrets.get(name) ?? [];
        const version = wanted ? versions.find((v) => v.id === wanted) : versions.at(-1);
        if (!version) {
          return refuse(
            404,
            'SecretNotFound',
            `A secret with (name/id) ${name}${wanted ? `/${wanted}` : ''} was not found in this key vault.`,
          );
        }
        answer(200, {
          value: version.value,
          id: `${this.base}/secrets/${name}/${version.id}`,
          attributes: {
            enabled: true,
            created: version.created,
            updated: version.created,
            recoveryLevel: 'Recoverable',
            recoverableDays: 90,
          },
          tags: {},
        });
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.base = `https://localhost:${(this.server.address() as AddressInfo).port}`;
    return this.base;
  }

  stop(): Promise<void> {
    return closeServer(this.server);
  }
}

function claimsOf(authorization: string | undefined): Record<string, unknown> | undefined {
  const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * A token as Entra ID shapes one for the app's identity (`oid`) and a scope (the audience); the
 * stand-in trusts its signature, as the other stand-ins do.
 */
export function identityToken(oid: string, scopes: string | string[]): string {
  const scope = Array.isArray(scopes) ? (scopes[0] ?? '') : scopes;
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ aud: scope.replace(/\/\.default$/, ''), oid })}.`;
}
