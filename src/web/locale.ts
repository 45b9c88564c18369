import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { AppContext } from './context.js';
import { defaultLocale, isLocale, localeName, locales, t } from './i18n.js';
import { inToolUrl } from './urls.js';
import { badRequest, message } from './errors.js';

/** The languages the switch offers, each named in itself (a Spanish reader looks for "Español"). */
const languages = locales.map((code) => ({ code, name: t('language.name', {}, code) }));
/** Where a switch made on a page it cannot reopen (a form's answer) lands. */
const HOME = '/home';
const INTERNAL = 'http://tool.invalid';

/**
 * The page's language before anyone is known (a launch, a 401 page): the browser's Accept-Language,
 * else the default. requireUser replaces it with the signed-in person's (src/auth/passport.ts). Also
 * what the layout's language switch needs: the languages, and the page to come back to.
 */
export function pageLanguage(): RequestHandler {
  return (req, res, next) => {
    const accepted = req.acceptsLanguages(...locales);
    res.locals.locale = isLocale(accepted) ? accepted : defaultLocale;
    res.locals.languages = languages;
    // A page shown by a GET is opened again in the new language; the answer to a form goes home instead of re-sending it.
    const here = new URL(req.originalUrl, INTERNAL);
    here.searchParams.delete('ltik');
    res.locals.languageBack = req.method === 'GET' ? `${here.pathname}${here.search}` : HOME;
    next();
  };
}

const switchForm = z.object({ locale: localeName, back: z.string().max(2048).default(HOME) });

/** The switch: keeps the person's choice (it wins over the LMS's at later launches), then reopens the page in it. */
export function languageRoutes(ctx: AppContext): Router {
  const r = Router();
  r.post('/language', ctx.requireUser, async (req, res) => {
    const parsed = switchForm.safeParse(req.body);
    if (!parsed.success) throw badRequest(message('language.invalid'), 'bad_language');
    await ctx.roster.chooseLocale(req.user!, parsed.data.locale);
    // The ltik carries the language, so the next pages need no query: the same session, re-signed in the new one.
    const ltik = await ctx.ltiks.relocalize(String(res.locals.ltik), parsed.data.locale);
    res.redirect(303, backTo(parsed.data.back, ltik));
  });
  return r;
}

/** Only a page of this tool: a crafted `back` (another origin, //host) reopens the person's home instead. */
function backTo(back: string, ltik: string): string {
  try {
    return inToolUrl(back, ltik);
  } catch {
    return inToolUrl(HOME, ltik);
  }
}
