import { Eta } from 'eta';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { fileURLToPath } from 'node:url';
import { REJECT_REASONS, RETRY_MESSAGES, type RejectReasonCode } from '../../domain/review.js';

/**
 * Server-rendered pages (Eta templates in ./views, auto-escaped: `<%= %>` escapes, `<%~ %>` is only
 * used for HTML this module built). No build step, no client framework.
 */
const eta = new Eta({ views: fileURLToPath(new URL('./views', import.meta.url)), cache: true, autoEscape: true });

export const renderPage = (template: string, data: Record<string, unknown>): string => eta.render(`./${template}`, { ...data, h: helpers });

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STAGE_LABELS: Record<string, string> = {
  DOCUMENT: 'Document', CONFIRMATION: 'Confirming fields', REVIEW_SUBMISSION: 'Submitting document', LIVENESS: 'Liveness',
  FACE_MATCH: 'Face match', PROVIDER_CHECK: 'Provider check', MANUAL_REVIEW: 'Manual review', APPROVED: 'Approved',
  REJECTED: 'Rejected', CANCELLED: 'Cancelled', EXPIRED: 'Expired',
};

/** Functions the templates call as `it.h.…`. */
export const helpers = {
  stage: (stage: string) => STAGE_LABELS[stage] ?? stage,
  /** "2026-03-01 10:00 UTC" (reviewers work across time zones: one clock). */
  time: (iso: string | null | undefined) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : '—'),
  /** "3 h 12 min", "2 d 4 h" since `iso`. */
  since(iso: string, now = Date.now()): string {
    const minutes = Math.max(0, Math.round((now - Date.parse(iso)) / 60_000));
    if (minutes < 60) return `${minutes} min`;
    const hours = Math.floor(minutes / 60);
    return hours < 48 ? `${hours} h ${minutes % 60} min` : `${Math.floor(hours / 24)} d ${hours % 24} h`;
  },
  percent: (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${Math.round(x * 100)} %`),
  number: (x: number | null | undefined, digits = 3) => (x === null || x === undefined ? '—' : x.toFixed(digits)),
  rejectReasons: Object.entries(REJECT_REASONS).filter(([code]) => code !== 'RETRY_LIMIT_REACHED') as Array<[RejectReasonCode, { label: string; userMessage: string }]>,
  rejectLabel: (code: string | null | undefined) => (code && code in REJECT_REASONS ? REJECT_REASONS[code as RejectReasonCode].label : code ?? ''),
  retryMessages: RETRY_MESSAGES,
  /** Any JSON value as a definition list: sections other engineers add (checks, screening) show up as they are. */
  data(value: unknown): string {
    if (value === null || value === undefined) return '<span class="muted">—</span>';
    if (typeof value !== 'object') return escapeHtml(String(value));
    if (Array.isArray(value)) {
      if (value.length === 0) return '<span class="muted">none</span>';
      return `<ol class="data">${value.map((v) => `<li>${helpers.data(v)}</li>`).join('')}</ol>`;
    }
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return '<span class="muted">—</span>';
    return `<dl class="data">${entries.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${helpers.data(v)}</dd>`).join('')}</dl>`;
  },
};

/** Renders a page for the signed-in reviewer, with a fresh CSRF token and the one-time message. */
export function sendPage(request: FastifyRequest, reply: FastifyReply, template: string, data: Record<string, unknown>, status = 200) {
  const flash = request.session.flash;
  if (flash) delete request.session.flash;
  const html = renderPage(template, { reviewer: request.reviewer, csrf: reply.generateCsrf(), flash, ...data });
  return reply.status(status).type('text/html; charset=utf-8').send(html);
}

