import { Router } from 'express';
import { z } from 'zod';
import { esc, nonceAttr, page } from './html.js';
import { launchQuery, launchUrl, type LaunchParams } from './oidc.js';
import type { SimState } from './state.js';

const FRAME_PATH = '/sim/course';
const FORWARDING_PATH = '/post_message_forwarding';

/**
 * LTI Platform Storage (lti.capabilities / lti.put_data / lti.get_data) answered on the platform's
 * origin, so a tool whose cookies are blocked can keep its OIDC state here. Values are namespaced by
 * the asking tool's origin and live as long as the course page.
 */
const storageScript = `
(function () {
  var store = {};
  var supported = [{ subject: 'lti.capabilities' }, { subject: 'lti.put_data' }, { subject: 'lti.get_data' }];
  addEventListener('message', function (e) {
    var m = e.data;
    if (!m || typeof m !== 'object' || typeof m.subject !== 'string' || !e.source) return;
    var reply = { subject: m.subject + '.response', message_id: m.message_id };
    var bucket = store[e.origin] || (store[e.origin] = {});
    if (m.subject === 'lti.capabilities') reply.supported_messages = supported;
    else if (m.subject === 'lti.put_data') { bucket[m.key] = m.value; reply.key = m.key; reply.value = m.value; }
    else if (m.subject === 'lti.get_data') { reply.key = m.key; reply.value = Object.prototype.hasOwnProperty.call(bucket, m.key) ? bucket[m.key] : null; }
    else return;
    e.source.postMessage(reply, e.origin);
  });
})();`;

/**
 * lti.frameResize, as Canvas, Moodle and others answer it: the tool's frame is given the height its
 * page asks for (within bounds), so the tool never scrolls inside a fixed box.
 */
const resizeScript = `
(function () {
  var frame = document.getElementById('tool-frame');
  addEventListener('message', function (e) {
    var m = e.data;
    if (!m || m.subject !== 'lti.frameResize' || e.source !== frame.contentWindow) return;
    var h = Number(m.height);
    if (!isFinite(h) || h <= 0) return;
    frame.height = String(Math.min(Math.max(Math.round(h), 300), 20000));
  });
})();`;

const frameQuery = z.object({
  client_id: z.string().min(1),
  user: z.string().min(1),
  course: z.string().min(1).optional(),
  message_type: z.enum(['LtiResourceLinkRequest', 'LtiDeepLinkingRequest']).optional(),
  deployment_id: z.string().min(1).optional(),
  target_link_uri: z.string().optional(),
  locale: z.string().min(1).max(35).optional(),
});

export function courseFrameUrl(state: SimState, p: LaunchParams): string {
  return `${state.url(FRAME_PATH)}?${launchQuery(p)}`;
}

/** The LMS course page: the tool in an iframe, as a real LMS shows it. */
export function coursePageRoutes(state: SimState): Router {
  const r = Router();
  const storage = state.profile.platformStorage;
  r.get(FRAME_PATH, (req, res) => {
    const q = frameQuery.safeParse(req.query);
    if (!q.success) return page(res, 'Course', '<p>Bad course page parameters</p>', 400);
    const course = q.data.course ? state.courses.get(q.data.course) : undefined;
    const user = state.users.get(q.data.user);
    const src = launchUrl(state, {
      clientId: q.data.client_id,
      userSub: q.data.user,
      courseId: q.data.course,
      messageType: q.data.message_type,
      deploymentId: q.data.deployment_id,
      targetLinkUri: q.data.target_link_uri,
      locale: q.data.locale,
    });
    const tool = state.tools.get(q.data.client_id);
    page(
      res,
      course?.title ?? 'Account',
      `<header><p><strong>${esc(state.profile.platformName)}</strong> · ${esc(course?.title ?? 'Account')} · signed in as <span id="lms-user">${esc(user?.name ?? q.data.user)}</span></p></header>` +
        `<main><h1>${esc(tool?.name ?? 'Tool')}</h1>` +
        `<iframe id="tool-frame" name="tool_frame" title="${esc(tool?.name ?? 'Tool')}" src="${esc(src)}" width="100%" height="720" allow="clipboard-write"></iframe>` +
        (storage ? `<iframe name="post_message_forwarding" title="Platform storage" src="${esc(state.url(FORWARDING_PATH))}" hidden></iframe>` : '') +
        `</main><script${nonceAttr(res)}>${resizeScript}</script>`,
    );
  });
  if (storage) {
    // Canvas answers platform storage in a hidden frame on its own origin named post_message_forwarding.
    r.get(FORWARDING_PATH, (_req, res) => page(res, 'post_message_forwarding', `<script${nonceAttr(res)}>${storageScript}</script>`));
  }
  return r;
}
