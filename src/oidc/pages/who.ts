import { html, type SafeHtml } from '../../pages/html.js';
import { type Lang, t } from '../../pages/messages.js';

/** Who is signed in, as the pages show it: the person's name and masked ID number, and the enterprise they act for. */
export interface SignedInAs {
  name: string;
  idNumberMasked?: string;
  enterpriseName?: string;
}

/** "张三（110105********1239）" / "张三（…）（代表“某公司”）" as plain text. */
export function whoText(lang: Lang, who: SignedInAs): string {
  const id = who.idNumberMasked ? (lang === 'en' ? ` (${who.idNumberMasked})` : `（${who.idNumberMasked}）`) : '';
  const acting = who.enterpriseName ? t(lang, 'session.acting_for', { enterprise: who.enterpriseName }) : '';
  return `${who.name}${id}${acting}`;
}

/** "当前以 <strong>张三</strong> 登录", the name in bold, the ID number kept on one line. */
export function signedInAsLine(lang: Lang, who: SignedInAs): SafeHtml {
  const [before = '', after = ''] = t(lang, 'session.signed_in_as', { name: '\u0000' }).split('\u0000');
  const id = who.idNumberMasked
    ? html`<span class="id-masked">${lang === 'en' ? ` (${who.idNumberMasked})` : `（${who.idNumberMasked}）`}</span>`
    : '';
  const acting = who.enterpriseName ? t(lang, 'session.acting_for', { enterprise: who.enterpriseName }) : '';
  return html`${before}<strong>${who.name}</strong>${id}${acting}${after}`;
}
