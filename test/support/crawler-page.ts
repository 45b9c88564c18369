import type { Frame, Locator } from 'playwright-core';
import { locales, t } from '../../src/web/i18n.js';

/*
 * What the crawler reads from and does to a page, run inside the page. The functions passed to
 * evaluate hold no named inner functions: the test transpiler would wrap them in a helper (__name)
 * that the page does not have.
 */

/** One `<form>` as the crawler needs it to find it again, fill it and submit it. */
export interface FormInfo {
  index: number;
  method: string;
  action: string;
  skip: boolean;
  /** Fields a person can change, as `name:type`, sorted: with method and action, what identifies the form. */
  fields: string[];
  /** Visible text fields (text, textarea, email, url…): the empty and oversize submits need one. */
  textFields: number;
  label: string;
}

export type Variant = 'valid' | 'empty' | 'oversize';

/** Fields the browser still finds invalid after filling, and values the crawler could not make. */
export interface FillResult {
  invalid: string[];
  unfillable: string[];
}

/** What the checks need to know about the document in the frame. */
export interface DocumentState {
  title: string;
  errorPage: boolean;
  errorTexts: string[];
  signedIn: boolean;
  /** A secret shown once as the answer to its post (a push token): never put in a URL or kept to show again. */
  secretShownOnce: boolean;
  linksWithoutLtik: string[];
  formsWithoutLtik: string[];
  errorSummary: { present: boolean; atTop: boolean; focused: boolean };
}

/** The markers of views/pages/error.hbs, and the 401 and 500 titles in every language, which must never show after a normal step. */
const ERROR_PAGE_SELECTOR = '.error-page, #error-title';
const ERROR_TEXTS = locales.flatMap((l) => [t('errors.unauthorized.title', {}, l), t('errors.internal.title', {}, l)]);

export function describeForms(frame: Frame): Promise<FormInfo[]> {
  return frame.locator('form').evaluateAll((forms) =>
    forms.map((node, index) => {
      const f = node as HTMLFormElement;
      const editable = Array.from(f.elements).filter(
        (e) => (e instanceof HTMLInputElement && !['hidden', 'submit', 'button', 'reset', 'image'].includes(e.type)) || e instanceof HTMLTextAreaElement || e instanceof HTMLSelectElement,
      ) as (HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement)[];
      const textTypes = ['text', 'search', 'email', 'url', 'tel'];
      const submitter = Array.from(f.elements).find((e) => (e instanceof HTMLButtonElement || e instanceof HTMLInputElement) && e.type === 'submit') as HTMLButtonElement | HTMLInputElement | undefined;
      const label = submitter?.getAttribute('aria-label') || submitter?.textContent?.trim() || (submitter instanceof HTMLInputElement ? submitter.value : '') || f.getAttribute('aria-label') || '(no submit button)';
      return {
        index,
        method: (f.getAttribute('method') ?? 'get').toLowerCase(),
        // Not f.action: a field named "action" (the audit filter's) shadows the property.
        action: new URL(f.getAttribute('action') ?? '', document.baseURI).href,
        skip: f.closest('[data-crawler="skip"]') !== null,
        fields: [...new Set(editable.filter((e) => e.name).map((e) => `${e.name}:${e instanceof HTMLInputElement ? e.type : e.localName}`))].sort(),
        textFields: editable.filter((e) => e instanceof HTMLTextAreaElement || (e instanceof HTMLInputElement && textTypes.includes(e.type))).filter((e) => e.getClientRects().length > 0).length,
        label: label.replace(/\s+/g, ' '),
      };
    }),
  );
}

/**
 * Fills the form from its own markup. valid: every field a value its attributes allow (required,
 * maxlength, minlength, pattern, min, max); empty: text, dates and numbers cleared, choices
 * deselected; oversize: valid, but text fields past their maxlength (or `oversize` characters).
 * Browser validation is switched off for empty and oversize: the server is what is tested.
 */
export function fillForm(form: Locator, opts: { variant: Variant; mark: string; today: string; oversize: number }): Promise<FillResult> {
  return form.evaluate((node, o) => {
    const f = node as HTMLFormElement;
    const unfillable: string[] = [];
    const textTypes = ['text', 'search', 'email', 'url', 'tel'];
    const fields = Array.from(f.elements).filter(
      (e) =>
        ((e instanceof HTMLInputElement && !['hidden', 'submit', 'button', 'reset', 'image', 'file', 'password'].includes(e.type)) || e instanceof HTMLTextAreaElement || e instanceof HTMLSelectElement) &&
        !(e as HTMLInputElement).disabled &&
        !(e as HTMLInputElement).readOnly,
    ) as (HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement)[];
    const radiosDone = new Set<string>();
    for (const el of fields) {
      const name = el.name || el.id;
      // With valid input the crawler saves what the page proposes, as a person would: a value already there
      // (a rule's condition, a saved threshold, a choice made) is kept, and a blank row a list offers for a
      // new item is left blank; only what is blank gets filled.
      if (o.variant === 'valid' && el.closest('[data-new-row]')) continue;
      const proposed = o.variant === 'valid' && !(el instanceof HTMLInputElement && (el.type === 'radio' || el.type === 'checkbox')) && el.value.trim() !== '';
      if (proposed) continue;
      if (el instanceof HTMLSelectElement) {
        if (o.variant === 'empty') el.selectedIndex = Array.from(el.options).findIndex((opt) => opt.value === '');
        else {
          const first = Array.from(el.options).find((opt) => opt.value !== '' && !opt.disabled);
          if (first) el.value = first.value;
          else if (el.required) unfillable.push(`${name} (no non-empty option)`);
        }
      } else if (el instanceof HTMLInputElement && el.type === 'radio') {
        if (o.variant === 'empty') el.checked = false;
        else if (!radiosDone.has(el.name)) {
          radiosDone.add(el.name);
          el.checked = true;
        }
      } else if (el instanceof HTMLInputElement && el.type === 'checkbox') {
        if (o.variant === 'empty') el.checked = false;
        else if (el.required) el.checked = true;
      } else if (o.variant === 'empty') {
        el.value = '';
      } else if (el instanceof HTMLInputElement && el.type === 'date') {
        let d = o.today;
        if (el.min && d < el.min) d = el.min;
        if (el.max && d > el.max) d = el.max;
        el.value = d;
      } else if (el instanceof HTMLInputElement && el.type === 'number') {
        const min = el.min === '' ? undefined : Number(el.min);
        const max = el.max === '' ? undefined : Number(el.max);
        el.value = String(min ?? (max !== undefined && max < 1 ? max : 1));
      } else if (el instanceof HTMLInputElement && el.type === 'time') {
        el.value = '09:00';
      } else if (el instanceof HTMLInputElement && el.type === 'datetime-local') {
        el.value = `${o.today}T09:00`;
      } else if (el instanceof HTMLTextAreaElement || textTypes.includes(el.type)) {
        const max = el.maxLength > 0 ? el.maxLength : undefined;
        if (o.variant === 'oversize') {
          el.removeAttribute('maxlength');
          el.value = `${o.mark} `.padEnd(max !== undefined ? max + 10 : o.oversize, 'x');
        } else {
          const base = el.type === 'email' ? 'crawler@example.com' : el.type === 'url' ? `https://crawler.example/${encodeURIComponent(o.mark)}` : el.type === 'tel' ? '5550100' : o.mark;
          let pattern: RegExp | undefined;
          try {
            // The browser compiles `pattern` with the v flag and ignores one that does not compile.
            pattern = el instanceof HTMLInputElement && el.pattern ? new RegExp(`^(?:${el.pattern})$`, 'v') : undefined;
          } catch {
            pattern = undefined;
          }
          let value = pattern ? [base, '1', '12345', o.today, 'a', 'A1', 'crawler'].find((c) => pattern.test(c)) : base;
          if (value === undefined) {
            unfillable.push(`${name} (pattern ${(el as HTMLInputElement).pattern})`);
            value = base;
          }
          if (el.minLength > 0 && value.length < el.minLength) value = value.padEnd(el.minLength, 'x');
          if (max !== undefined && value.length > max) value = value.slice(0, max);
          el.value = value;
        }
      }
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    }
    if (o.variant !== 'valid') f.noValidate = true;
    const invalid = fields.filter((e) => !e.checkValidity()).map((e) => `${e.name || e.id}: ${e.validationMessage}`);
    return { invalid, unfillable };
  }, opts);
}

/** Submits the form with its first submit button, as a click would (submit event, button name and value). */
export function requestSubmit(form: Locator): Promise<void> {
  return form.evaluate((node) => {
    const f = node as HTMLFormElement;
    const submitter = Array.from(f.elements).find((e) => (e instanceof HTMLButtonElement || e instanceof HTMLInputElement) && e.type === 'submit') as HTMLButtonElement | HTMLInputElement | undefined;
    f.requestSubmit(submitter);
  });
}

/** Same-origin links a person can follow inside the frame (not to a new window, not marked skip). */
export async function inToolLinks(frame: Frame, origin: string): Promise<string[]> {
  const found = await frame.locator('a[href]').evaluateAll((as) =>
    as.map((a) => ({ href: (a as HTMLAnchorElement).href, target: a.getAttribute('target') ?? '', skip: a.closest('[data-crawler="skip"]') !== null })),
  );
  return found.filter((l) => !l.skip && l.target !== '_blank' && new URL(l.href).origin === origin && !new URL(l.href).pathname.startsWith('/assets/')).map((l) => l.href);
}

export function readDocument(frame: Frame, origin: string): Promise<DocumentState> {
  return frame.evaluate(
    ({ errorSelector, errorTexts, origin }) => {
      const text = document.body?.innerText ?? '';
      const linksWithoutLtik = Array.from(document.querySelectorAll('a[href]'))
        .map((a) => new URL((a as HTMLAnchorElement).href))
        .filter((u) => u.origin === origin && !u.pathname.startsWith('/assets/') && !(u.hash && u.pathname === location.pathname && u.search === location.search) && !u.searchParams.get('ltik'))
        .map((u) => u.pathname);
      // A GET form drops its action's query, so the ltik must be a field; a POST may carry it either way.
      // Not f.action / f.method: a field named "action" (the audit filter's) shadows the property.
      const formsWithoutLtik = Array.from(document.forms)
        .map((f) => ({ f, action: new URL(f.getAttribute('action') ?? '', document.baseURI), method: (f.getAttribute('method') ?? 'get').toLowerCase() }))
        .filter(({ action }) => action.origin === origin)
        .filter(({ f, action, method }) => !(f.elements.namedItem('ltik') as HTMLInputElement | null)?.value && (method === 'get' || !action.searchParams.get('ltik')))
        .map(({ action }) => action.pathname);
      const summary = document.querySelector('[data-error-summary]');
      const main = document.querySelector('main');
      // At the top: nothing a person reads (a heading, a form, a paragraph, a list) comes before it in <main>.
      const before = summary && main ? Array.from(main.querySelectorAll('h1, h2, h3, h4, form, p, ul, ol, table, dl')).filter((n) => !summary.contains(n) && n.compareDocumentPosition(summary) & Node.DOCUMENT_POSITION_FOLLOWING) : [];
      return {
        title: document.title,
        errorPage: document.querySelector(errorSelector) !== null,
        errorTexts: errorTexts.filter((t) => text.includes(t)),
        signedIn: document.querySelector('.who') !== null,
        secretShownOnce: document.querySelector('[data-shown-once]') !== null,
        linksWithoutLtik: [...new Set(linksWithoutLtik)],
        formsWithoutLtik: [...new Set(formsWithoutLtik)],
        errorSummary: { present: summary !== null, atTop: summary !== null && main !== null && main.contains(summary) && before.length === 0, focused: summary !== null && document.activeElement === summary },
      };
    },
    { errorSelector: ERROR_PAGE_SELECTOR, errorTexts: ERROR_TEXTS, origin },
  );
}

/** The focus indicator of the first link, button and field on the page, and the colours behind it. */
interface FocusStyle {
  what: string;
  outlineStyle: string;
  outlineWidth: string;
  outlineColor: string;
  boxShadow: string;
  /** Background colours from the element's parent up to the root, as computed. */
  backgrounds: string[];
}

/**
 * WCAG 2.4.7 and 1.4.11: a focused link, button or field shows an indicator that contrasts 3:1 with
 * what is around it. axe-core does not check this. Moves focus: run after reading the document.
 */
export async function focusRingProblems(frame: Frame): Promise<string[]> {
  const styles: FocusStyle[] = await frame.evaluate(() => {
    const kinds = ['a[href]', 'button', 'input:not([type=hidden])', 'select', 'textarea'];
    const out = [];
    for (const selector of kinds) {
      // The first of its kind that takes focus: a field in a closed <details> has boxes but takes none
      // (nor can a keyboard reach it), so its style would read as unfocused.
      const el = Array.from(document.querySelectorAll<HTMLElement>(selector)).find((e) => {
        if (e.getClientRects().length === 0 || e.closest('.skip-link') || e.classList.contains('skip-link')) return false;
        e.focus();
        return document.activeElement === e;
      });
      if (!el) continue;
      const s = getComputedStyle(el);
      const backgrounds = [];
      for (let p = el.parentElement; p; p = p.parentElement) backgrounds.push(getComputedStyle(p).backgroundColor);
      out.push({ what: selector, outlineStyle: s.outlineStyle, outlineWidth: s.outlineWidth, outlineColor: s.outlineColor, boxShadow: s.boxShadow, backgrounds });
      el.blur();
    }
    return out;
  });
  const problems: string[] = [];
  for (const s of styles) {
    // `auto` is the browser's own two-tone ring, drawn to contrast with any background.
    if (s.outlineStyle === 'auto') continue;
    if (s.outlineStyle === 'none' || parseFloat(s.outlineWidth) === 0) {
      if (s.boxShadow === 'none') problems.push(`focus: no visible focus indicator on ${s.what}`);
      continue;
    }
    const ring = rgb(s.outlineColor);
    const behind = s.backgrounds.map(rgb).find((c) => c && c.a > 0) ?? { r: 255, g: 255, b: 255, a: 1 };
    if (!ring) continue;
    const ratio = contrast(ring, behind);
    if (parseFloat(s.outlineWidth) < 2) problems.push(`focus: the focus ring of ${s.what} is ${s.outlineWidth} wide (needs 2px)`);
    if (ratio < 3) problems.push(`focus: the focus ring of ${s.what} contrasts ${ratio.toFixed(1)}:1 with its background (needs 3:1)`);
  }
  return problems;
}

/**
 * What makes two documents of one URL pattern and outcome differ for accessibility: the forms on
 * it (method, action with ids left out), which a role's permissions and a record's state decide
 * (a step shown done has its "Mark not done" form), and whether it shows an error summary. How many
 * students, goals or links a page lists, and whose they are, does not make another shape: the
 * template draws each the same way.
 */
export function pageShape(frame: Frame): Promise<string> {
  return frame.evaluate(() => {
    const id = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+/gi;
    const forms = Array.from(document.forms).map((f) => `${(f.getAttribute('method') ?? 'get').toLowerCase()} ${new URL(f.getAttribute('action') ?? '', document.baseURI).pathname.replace(id, ':id')}`);
    const summary = document.querySelector('[data-error-summary]') !== null ? 'error summary' : '';
    return [summary, ...[...new Set(forms)].sort()].join('|');
  });
}

/**
 * Names people hear: no aria-label where ARIA forbids naming (a paragraph, or a span or div with no
 * role: screen readers ignore it), and no two buttons of one page with the same name (ten "Save"
 * buttons tell nobody what each saves). axe-core reports neither as serious.
 */
export function namingProblems(frame: Frame): Promise<string[]> {
  return frame.evaluate(() => {
    const problems: string[] = [];
    for (const el of Array.from(document.querySelectorAll('p[aria-label], span[aria-label]:not([role]), div[aria-label]:not([role])'))) {
      problems.push(`naming: aria-label on a <${el.tagName.toLowerCase()}> ("${el.getAttribute('aria-label')}"), which may not be named`);
    }
    const seen = new Map<string, number>();
    for (const b of Array.from(document.querySelectorAll<HTMLElement>('button, input[type=submit]'))) {
      if (b.getClientRects().length === 0) continue;
      const name = (b.getAttribute('aria-label') ?? (b instanceof HTMLInputElement ? b.value : b.textContent) ?? '').replace(/\s+/g, ' ').trim();
      seen.set(name, (seen.get(name) ?? 0) + 1);
    }
    for (const [name, n] of seen) if (n > 1) problems.push(`naming: ${n} buttons named "${name}"`);
    return problems;
  });
}

interface Rgb {
  r: number;
  g: number;
  b: number;
  a: number;
}

function rgb(css: string): Rgb | undefined {
  const m = /^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/.exec(css);
  return m ? { r: Number(m[1]), g: Number(m[2]), b: Number(m[3]), a: m[4] === undefined ? 1 : Number(m[4]) } : undefined;
}

/** WCAG relative luminance contrast ratio. */
function contrast(a: Rgb, b: Rgb): number {
  const lum = (c: Rgb) => {
    const ch = [c.r, c.g, c.b].map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * ch[0]! + 0.7152 * ch[1]! + 0.0722 * ch[2]!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * The texts a person reads on the page in its own language: visible text nodes, the labels that are
 * read out or shown on hover, the page title. Left out: code (URLs, commands), what a page marks
 * translate="no" (data), and parts in another language (the language switch's "English").
 */
export function visibleTexts(frame: Frame): Promise<string[]> {
  return frame.evaluate(() => {
    const lang = document.documentElement.lang;
    const out: string[] = [document.title];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      const text = n.textContent?.trim();
      if (!el || !text || el.closest('script, style, code, [translate="no"]')) continue;
      if ((el.closest('[lang]')?.getAttribute('lang') ?? lang) !== lang) continue;
      if (el.tagName !== 'OPTION' && !el.checkVisibility()) continue;
      out.push(text);
    }
    for (const el of Array.from(document.body.querySelectorAll('[aria-label], [title], [placeholder], [alt], [data-count-text], [data-unsaved-text], [data-failed-text]'))) {
      if (el.closest('[translate="no"]') || (el.closest('[lang]')?.getAttribute('lang') ?? lang) !== lang) continue;
      for (const name of ['aria-label', 'title', 'placeholder', 'alt', 'data-count-text', 'data-unsaved-text', 'data-failed-text']) {
        const value = el.getAttribute(name)?.trim();
        if (value) out.push(value);
      }
    }
    return out;
  });
}
