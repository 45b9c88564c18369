/**
 * The school's time zone: dates on pages are days there, and the audit page's date filters are read
 * as days there. One place, until schools carry their own zone in their settings.
 */
export const schoolTimeZone = 'UTC';
