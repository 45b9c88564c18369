import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';

/** Inputs of an auto-submitting form page (what LMSs answer during OIDC). */
export function parseForm(html: string): { action: string; fields: Record<string, string> } {
  const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1];
  if (!action) throw new Error(`no form in: ${html.slice(0, 300)}`);
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) fields[decode(m[1])] = decode(m[2]);
  return { action: decode(action), fields };
}

/** The smallest LTI tool that can drive the simulator: keys, login initiation, launch capture. */
export class FakeTool {
  kid = randomUUID();
  logins: Record<string, string>[] = [];
  private constructor(
    readonly baseUrl: string,
    private readonly server: Server,
    readonly privateKey: CryptoKey,
    readonly foreignKey: CryptoKey,
  ) {}

  static async start(): Promise<FakeTool> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const foreign = await generateKeyPair('RS256');
    const app = express();
    const ref: { tool?: FakeTool } = {};
    const jwk = await exportJWK(publicKey);
    app.get('/keys', (_req, res) => {
      res.json({ keys: [{ ...jwk, kid: ref.tool?.kid, alg: 'RS256', use: 'sig' }] });
    });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const tool = new FakeTool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, privateKey, foreign.privateKey);
    ref.tool = tool;
    return tool;
  }

  get registration() {
    return {
      name: 'Fake tool',
      initiateLoginUri: `${this.baseUrl}/login`,
      redirectUris: [`${this.baseUrl}/launch`],
      jwksUri: `${this.baseUrl}/keys`,
      targetLinkUri: `${this.baseUrl}/launch`,
    };
  }

  sign(payload: Record<string, unknown>, o: { foreign?: boolean; kid?: string } = {}): Promise<string> {
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: o.kid ?? this.kid }).sign(o.foreign ? this.foreignKey : this.privateKey);
  }

  clientAssertion(clientId: string, aud: string, over: Record<string, unknown> = {}, o: { foreign?: boolean } = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return this.sign({ iss: clientId, sub: clientId, aud, iat: now, exp: now + 60, jti: randomUUID(), ...over }, o);
  }

  async token(tokenUrl: string, clientId: string, scopes: string[], assertion?: string): Promise<Response> {
    return fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion ?? (await this.clientAssertion(clientId, tokenUrl)),
        scope: scopes.join(' '),
      }),
    });
  }

  async accessToken(tokenUrl: string, clientId: string, scopes: string[]): Promise<string> {
    const res = await this.token(tokenUrl, clientId, scopes);
    if (res.status !== 200) throw new Error(`token ${res.status} ${await res.text()}`);
    return ((await res.json()) as { access_token: string }).access_token;
  }

  /**
   * Runs a launch the way a browser would: GET the LMS launch URL, read the login-initiation form,
   * send the auth request (as the tool's /login would redirect), and return the form posted back.
   */
  async launch(
    launchUrl: string,
    authLoginUrl: string,
    override: Record<string, string> = {},
  ): Promise<{ login: Record<string, string>; status: number; form?: { action: string; fields: Record<string, string> }; body: string; nonce: string; state: string }> {
    const init = await fetch(launchUrl);
    const login = parseForm(await init.text()).fields;
    this.logins.push(login);
    const nonce = randomUUID();
    const state = randomUUID();
    const auth = new URL(authLoginUrl);
    const params: Record<string, string> = {
      scope: 'openid',
      response_type: 'id_token',
      response_mode: 'form_post',
      prompt: 'none',
      client_id: login.client_id,
      redirect_uri: `${this.baseUrl}/launch`,
      login_hint: login.login_hint,
      lti_message_hint: login.lti_message_hint,
      state,
      nonce,
      ...override,
    };
    for (const [k, v] of Object.entries(params)) auth.searchParams.set(k, v);
    const res = await fetch(auth);
    const body = await res.text();
    return { login, status: res.status, form: res.status === 200 ? parseForm(body) : undefined, body, nonce, state };
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
