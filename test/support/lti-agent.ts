/**
 * A tiny HTTP "browser" for LTI launches over real HTTP (contract 6): keeps cookies per host, follows
 * 302s across the simulator and the tool, submits auto-posting forms, and plays the part of the
 * tool's platform-storage scripts (lti.put_data / lti.get_data) when asked to.
 *
 *   const agent = new LtiAgent();
 *   const res = await agent.launch(sim.launchUrl({ clientId, userSub: 'teacher-1', courseId: 'c1' }));
 *   res.url, res.status, res.body, res.ltik
 */

export interface AgentForm {
  action: string;
  method: 'GET' | 'POST';
  fields: Record<string, string>;
}

export interface AgentStep {
  method: string;
  url: string;
  status: number;
  /** Fields of a form this step submitted. */
  form?: Record<string, string>;
}

export interface AgentResponse {
  url: string;
  status: number;
  headers: Headers;
  body: string;
  /** The ltik of the final URL (a successful launch ends on a role home with ?ltik=). */
  ltik: string | undefined;
  steps: AgentStep[];
}

export interface AgentOptions {
  /** Drop Set-Cookie from these URLs, as a browser blocking third-party cookies (without CHIPS) would. */
  blockCookies?: (url: URL) => boolean;
  /** Emulate LTI platform storage in the LMS frame (what the tool's login/launch page scripts use). */
  platformStorage?: boolean;
  /** Called before each auto-posted form is submitted; may change its fields (refusal tests). */
  beforeSubmit?: (form: AgentForm) => void;
  maxSteps?: number;
}

interface StoredCookie {
  name: string;
  value: string;
  path: string;
  expires: number | undefined;
}

const decode = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&#x60;/g, '`')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)')`, 'i').exec(tag);
  return m ? decode(m[2] ?? m[3] ?? '') : undefined;
}

/** The forms of a page, with their hidden and text inputs (enough for LTI auto-post pages). */
export function parseForms(html: string, baseUrl: string): (AgentForm & { id?: string; data: Record<string, string> })[] {
  const forms: (AgentForm & { id?: string; data: Record<string, string> })[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const open = `<form ${m[1]}>`;
    const fields: Record<string, string> = {};
    for (const input of m[2].matchAll(/<(input|textarea)\b[^>]*>/gi)) {
      const name = attr(input[0], 'name');
      if (name) fields[name] = attr(input[0], 'value') ?? '';
    }
    const data: Record<string, string> = {};
    for (const d of open.matchAll(/\sdata-([a-z-]+)\s*=\s*"([^"]*)"/gi)) data[d[1]] = decode(d[2]);
    forms.push({
      id: attr(open, 'id'),
      action: new URL(attr(open, 'action') || baseUrl, baseUrl).toString(),
      method: (attr(open, 'method') ?? 'GET').toUpperCase() === 'POST' ? 'POST' : 'GET',
      fields,
      data,
    });
  }
  return forms;
}

function dataOf(html: string, id: string): Record<string, string> | undefined {
  const m = new RegExp(`<[a-z]+\\b[^>]*\\sid="${id}"[^>]*>`, 'i').exec(html);
  if (!m) return undefined;
  const data: Record<string, string> = {};
  for (const d of m[0].matchAll(/\sdata-([a-z-]+)\s*=\s*"([^"]*)"/gi)) data[d[1]] = decode(d[2]);
  return data;
}

/** The form a page's script submits on load: the one it names by id (the layout has forms of its own, such as the language switch), else the first. */
function autoSubmitted(html: string, forms: (AgentForm & { id?: string })[]): AgentForm | undefined {
  const script = /<script\b[^>]*>([\s\S]*?\.submit\(\)[\s\S]*?)<\/script>/i.exec(html)?.[1];
  if (!script) return undefined;
  const named = /getElementById\('([^']+)'\)\.submit\(\)/.exec(script)?.[1];
  return named ? forms.find((f) => f.id === named) : forms[0];
}

export class LtiAgent {
  private readonly jar = new Map<string, StoredCookie[]>();
  /** Platform storage, as the LMS frame would hold it for the tool's origin. */
  readonly storage = new Map<string, string>();
  /** Every id_token this agent carried to a tool, newest last (replay tests post one again). */
  readonly postedForms: AgentForm[] = [];

  constructor(readonly opts: AgentOptions = {}) {}

  cookieHeader(url: URL): string {
    const now = Date.now();
    const list = (this.jar.get(url.hostname) ?? []).filter((c) => (c.expires === undefined || c.expires > now) && url.pathname.startsWith(c.path));
    return list.map((c) => `${c.name}=${c.value}`).join('; ');
  }

  cookies(hostname: string): { name: string; value: string; path: string }[] {
    return (this.jar.get(hostname) ?? []).map(({ name, value, path }) => ({ name, value, path }));
  }

  private store(url: URL, headers: Headers): void {
    if (this.opts.blockCookies?.(url)) return;
    for (const line of headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      let path = '/';
      let expires: number | undefined;
      for (const a of attrs) {
        const [k, v = ''] = a.split('=');
        if (/^path$/i.test(k)) path = v || '/';
        if (/^max-age$/i.test(k)) expires = Date.now() + Number(v) * 1000;
        if (/^expires$/i.test(k) && expires === undefined) expires = Date.parse(v);
      }
      const list = (this.jar.get(url.hostname) ?? []).filter((c) => !(c.name === name && c.path === path));
      if (expires === undefined || expires > Date.now()) list.push({ name, value, path, expires });
      this.jar.set(url.hostname, list);
    }
  }

  private async request(method: string, url: string, body?: Record<string, string>): Promise<{ res: Response; text: string }> {
    const u = new URL(url);
    const headers: Record<string, string> = { accept: 'text/html', 'user-agent': 'lti-agent' };
    const cookie = this.cookieHeader(u);
    if (cookie) headers.cookie = cookie;
    let payload: string | undefined;
    if (body) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(body).toString();
    }
    const res = await fetch(u, { method, headers, body: payload, redirect: 'manual' });
    this.store(u, res.headers);
    return { res, text: await res.text() };
  }

  /** GET (or POST a form) and keep going like a browser until a page stops the journey. */
  async navigate(url: string, form?: { method: 'GET' | 'POST'; fields: Record<string, string> }): Promise<AgentResponse> {
    const steps: AgentStep[] = [];
    let method: string = form?.method ?? 'GET';
    let body = form?.method === 'POST' ? form.fields : undefined;
    let current = form?.method === 'GET' ? `${url}${url.includes('?') ? '&' : '?'}${new URLSearchParams(form.fields)}` : url;
    for (let i = 0; i < (this.opts.maxSteps ?? 20); i++) {
      const { res, text } = await this.request(method, current, body);
      steps.push({ method, url: current, status: res.status, form: body });
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        current = new URL(location, current).toString();
        method = 'GET';
        body = undefined;
        continue;
      }
      const next = res.status === 200 ? this.nextFromPage(text, current) : undefined;
      if (!next) return { url: current, status: res.status, headers: res.headers, body: text, ltik: new URL(current).searchParams.get('ltik') ?? undefined, steps };
      current = next.action;
      method = next.method;
      body = next.method === 'POST' ? next.fields : undefined;
      if (next.method === 'GET' && Object.keys(next.fields).length) current = `${current}${current.includes('?') ? '&' : '?'}${new URLSearchParams(next.fields)}`;
    }
    throw new Error('lti-agent: too many steps');
  }

  /** What a browser running the page's scripts would do next, if anything. */
  private nextFromPage(html: string, url: string): AgentForm | undefined {
    // The tool's login page: store in platform storage, then go to the platform.
    const put = dataOf(html, 'lti-storage');
    if (put?.next) {
      if (this.opts.platformStorage && put.key && put.value) this.storage.set(put.key, put.value);
      return { action: put.next, method: 'GET', fields: {} };
    }
    const forms = parseForms(html, url);
    // The tool's launch page: read back from platform storage and complete; without storage it shows the new-window page.
    const complete = forms.find((f) => f.id === 'lti-complete');
    if (complete) {
      const value = this.opts.platformStorage ? this.storage.get(complete.data.key ?? '') : undefined;
      if (value === undefined) return undefined;
      return this.submit({ ...complete, fields: { ...complete.fields, binding: value } });
    }
    const submitted = autoSubmitted(html, forms);
    if (submitted) return this.submit(submitted);
    return undefined;
  }

  private submit(form: AgentForm): AgentForm {
    const copy: AgentForm = { action: form.action, method: form.method, fields: { ...form.fields } };
    this.opts.beforeSubmit?.(copy);
    this.postedForms.push(copy);
    return copy;
  }

  /** Start a launch at a simulator launch URL and follow it to the end. */
  launch(url: string): Promise<AgentResponse> {
    return this.navigate(url);
  }

  /** Submit a form by hand (for example the deep-linking picker, or a replayed id_token). */
  post(url: string, fields: Record<string, string>): Promise<AgentResponse> {
    return this.navigate(url, { method: 'POST', fields });
  }
}
