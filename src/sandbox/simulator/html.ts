import type { Response } from 'express';

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** The host app's CSP (when mounted as the sandbox) allows inline scripts only with its nonce. */
export function nonceAttr(res: Response): string {
  const n = res.locals.cspNonce;
  return typeof n === 'string' ? ` nonce="${esc(n)}"` : '';
}

export function page(res: Response, title: string, body: string, status = 200): void {
  res
    .status(status)
    .type('html')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title></head><body>${body}</body></html>`,
    );
}

/** What an LMS answers with during OIDC: a form the browser posts on its own. */
export function autoPostForm(res: Response, action: string, fields: Record<string, string>, title = 'Launching…'): void {
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('');
  page(
    res,
    title,
    `<form id="lti" method="post" action="${esc(action)}">${inputs}<noscript><button type="submit">Continue</button></noscript></form>` +
      `<script${nonceAttr(res)}>document.getElementById('lti').submit();</script>`,
  );
}

export function errorPage(res: Response, status: number, message: string): void {
  page(res, 'LTI error', `<h1>Launch refused</h1><p id="error">${esc(message)}</p>`, status);
}
