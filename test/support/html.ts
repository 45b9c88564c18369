/**
 * A page's HTML with the hex references Handlebars writes (`&#x27;` for ', `&#x3D;` for =, `&#x2F;` for /)
 * turned back into characters, so a test can look for a text as a person reads it: `{{t}}` texts are
 * escaped like any other value, so an apostrophe in a message reaches the HTML as `&#x27;`.
 */
export const decoded = (html: string): string => html.replace(/&#x([0-9A-F]+);/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/** A value written in the page, back as it was typed (Handlebars' named and hex references undone). */
export const unescaped = (html: string): string => decoded(html).replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Every field of a configuration editor's form as a browser posts it: text boxes and areas as filled in, selected options, ticked boxes, the save count. */
export function configFormOf(html: string): Record<string, string> {
  const form = html.slice(html.indexOf('/draft'), html.indexOf('</form>', html.indexOf('/draft')));
  const out: Record<string, string> = {};
  for (const m of form.matchAll(/<input id="[^"]*" name="(f\.[^"]+)" value="([^"]*)"/g)) out[m[1]!] = unescaped(m[2]!);
  for (const m of form.matchAll(/<textarea id="[^"]*" name="(f\.[^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) out[m[1]!] = unescaped(m[2]!);
  for (const m of form.matchAll(/<input type="checkbox" id="[^"]*" name="(f\.[^"]+)" checked>/g)) out[m[1]!] = 'on';
  for (const m of form.matchAll(/<select id="[^"]*" name="(f\.[^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) out[m[1]!] = /<option value="([^"]*)" selected>/.exec(m[2]!)?.[1] ?? '';
  out.edits = /name="edits" value="([^"]*)"/.exec(form)?.[1] ?? '';
  return out;
}
