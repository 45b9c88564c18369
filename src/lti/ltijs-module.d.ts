// ltijs ships no types and @types/ltijs is stale; src/lti/ltijs.ts declares what we use and casts to it.
declare module 'ltijs' {
  const ltijs: { Provider: unknown };
  export default ltijs;
}
