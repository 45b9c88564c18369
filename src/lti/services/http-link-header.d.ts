// http-link-header ships no types; this declares the part src/lti/services/http.ts uses (one package added, not two).
// It is CommonJS (`module.exports = Link`): only a default import works from ESM.
declare module 'http-link-header' {
  export interface Reference {
    uri: string;
    rel: string;
    [attribute: string]: string;
  }
  export interface Link {
    refs: Reference[];
    /** References whose rel (case-insensitive, multi-valued rel expanded) is `value`. */
    rel(value: string): Reference[];
  }
  const LinkHeader: {
    /** RFC 8288 parser; throws on a header it cannot read. */
    parse(value: string): Link;
  };
  export default LinkHeader;
}
