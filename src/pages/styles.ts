/**
 * The one stylesheet of the sign-in pages, inlined in a <style> block (no external assets, no web
 * fonts). Colours meet WCAG AA contrast; focus is always visible; the layout works from 320 px up;
 * Windows high-contrast (forced colours) keeps borders and outlines.
 */
export const styles = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;min-height:100vh;display:flex;flex-direction:column;background:#f3f5f8;color:#1b1f24;
font-family:-apple-system,BlinkMacSystemFont,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei",Roboto,"Helvetica Neue",Arial,sans-serif;
font-size:16px;line-height:1.6}
a{color:#0a4fb3;text-underline-offset:2px}
a:hover{color:#083b86}
:focus-visible{outline:3px solid #0a4fb3;outline-offset:2px}
.topbar{background:#0b3a75;color:#fff}
.topbar-inner{max-width:960px;margin:0 auto;padding:12px 16px;display:flex;align-items:center;justify-content:space-between;gap:12px;flex-wrap:wrap}
.brand{font-size:1.125rem;font-weight:600;letter-spacing:.02em}
.topbar a{color:#fff;padding:4px 8px;border-radius:4px}
.topbar a:hover{background:rgba(255,255,255,.15);color:#fff}
.topbar a:focus-visible{outline-color:#fff}
.page{flex:1;width:100%;max-width:480px;margin:0 auto;padding:24px 16px}
.page.wide{max-width:760px}
.card{background:#fff;border:1px solid #d5dbe3;border-radius:8px;padding:24px;box-shadow:0 1px 3px rgba(16,24,40,.06)}
h1{font-size:1.5rem;line-height:1.35;margin:0 0 12px}
h2{font-size:1.2rem;line-height:1.4;margin:0 0 12px}
p{margin:0 0 12px}
.lead{color:#3d4652}
.muted{color:#4f5966;font-size:.9375rem}
.section{border-top:1px solid #e3e7ed;padding-top:20px;margin-top:24px}
.section.first{border-top:0;padding-top:0;margin-top:8px}
.alert,.flash{border-radius:6px;padding:12px 14px;margin:0 0 16px;border-left:4px solid}
.alert,.flash.error{background:#fdeeee;border-color:#b3261e;color:#7a1712}
.flash.success{background:#eaf6ee;border-color:#1e7b34;color:#14532d}
.alert p:last-child,.flash p:last-child{margin-bottom:0}
.note{background:#eef4fc;border-left:4px solid #0a4fb3;border-radius:6px;padding:10px 14px;margin:0 0 16px;color:#1b2f4d}
.field{margin:0 0 18px}
label{display:block;font-weight:600;margin:0 0 4px}
.hint{display:block;color:#4f5966;font-size:.875rem;margin:0 0 6px}
input[type=text],input[type=password],input[type=email],input[type=tel]{display:block;width:100%;min-height:44px;padding:8px 10px;
font:inherit;color:#1b1f24;background:#fff;border:2px solid #6b7684;border-radius:4px}
input:focus-visible,input:focus{outline:3px solid #0a4fb3;outline-offset:1px;border-color:#0a4fb3}
input[aria-invalid=true]{border-color:#b3261e}
.wide input[type=text],.wide input[type=password]{max-width:26rem}
input.code,.wide input.code{max-width:12em;letter-spacing:.15em;font-variant-numeric:tabular-nums}
.check{display:flex;align-items:flex-start;gap:10px;margin:0 0 18px}
.check input{width:22px;height:22px;margin:2px 0 0;flex:none;accent-color:#0a4fb3}
.check label{font-weight:400;margin:0}
.check .hint{margin:2px 0 0}
button{font:inherit;cursor:pointer;border-radius:4px;min-height:44px;padding:8px 18px;border:2px solid transparent}
.btn-primary{background:#0a4fb3;color:#fff;font-weight:600}
.btn-primary:hover{background:#083b86}
.btn-secondary{background:#fff;color:#0a4fb3;border-color:#0a4fb3}
.btn-secondary:hover{background:#eef4fc}
.btn-link{background:none;border-color:transparent;color:#0a4fb3;text-decoration:underline;text-underline-offset:2px;padding:8px 0;min-height:44px;text-align:left}
.btn-link:hover{color:#083b86}
.btn-block{width:100%}
.actions{display:flex;flex-wrap:wrap;gap:12px;align-items:center;margin:8px 0 0}
.inline-form{margin:0}
.after{margin:12px 0 0}
ul.claims{margin:0 0 16px;padding:0 0 0 1.25em}
ul.claims li{margin:0 0 6px}
.detail{display:block;color:#4f5966;font-size:.875rem}
dl.profile{display:grid;grid-template-columns:max-content 1fr;gap:6px 16px;margin:0}
dl.profile dt{color:#4f5966}
dl.profile dd{margin:0;font-weight:600;overflow-wrap:anywhere}
.qr{margin:0 0 12px;width:216px;max-width:100%;padding:8px;background:#fff;border:1px solid #d5dbe3;border-radius:6px}
.qr svg{display:block;width:100%;height:auto}
.secret{display:inline-block;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:1.0625rem;
letter-spacing:.05em;background:#f3f5f8;border:1px solid #d5dbe3;border-radius:4px;padding:4px 8px;margin:0 0 16px;overflow-wrap:anywhere}
.status{display:inline-block;font-size:.875rem;font-weight:600;border-radius:999px;padding:0 10px;margin:0 6px 0 0;border:1px solid}
.status-on{color:#14532d;background:#eaf6ee;border-color:#1e7b34}
.status-off{color:#3d4652;background:#f3f5f8;border-color:#6b7684}
table.consents{width:100%;border-collapse:collapse;margin:0 0 12px}
.consents th,.consents td{text-align:left;vertical-align:top;padding:10px 8px;border-bottom:1px solid #e3e7ed}
.consents th{font-size:.875rem;color:#4f5966;font-weight:600}
.consents td.portal{font-weight:600}
.code-small{font-size:.8125rem;color:#4f5966}
.code-small code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.tabs{display:flex;gap:4px;border-bottom:2px solid #d5dbe3;margin:-8px 0 16px}.tabs .tab{padding:8px 12px;text-decoration:none;color:#3d4652;border-bottom:3px solid transparent;margin-bottom:-2px}.tabs .tab.active{color:#0a4fb3;border-bottom-color:#0a4fb3;font-weight:600}.footer{color:#4f5966;font-size:.875rem;text-align:center;padding:8px 16px 24px}
.footer p{margin:0}
.visually-hidden{position:absolute!important;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
/* tongban's own pages, error pages, who is signed in, the sign-out choices (issue 11, points 3 and 4). */
html:lang(en) body{font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Liberation Sans","Noto Sans","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei",sans-serif}
.topbar a.brand{color:#fff;text-decoration:none;padding:4px 0}
.topbar a.brand:hover{background:none;text-decoration:underline}
.footer-nav{display:flex;flex-wrap:wrap;justify-content:center;gap:0 16px;margin:8px 0 0}
.footer-nav a{display:inline-block;padding:4px 0;color:#0a4fb3}
a.btn-primary,a.btn-secondary{display:inline-flex;align-items:center;justify-content:center;min-height:44px;padding:8px 18px;border-radius:4px;border:2px solid transparent;text-decoration:none}
a.btn-primary:hover{color:#fff}
a.btn-secondary{border-color:#0a4fb3}
.who{display:flex;flex-wrap:wrap;align-items:center;gap:0 6px;margin:0 0 16px;padding:4px 12px;background:#f3f5f8;border:1px solid #d5dbe3;border-radius:6px;font-size:.875rem}
.who .inline-form{display:inline}
.who .btn-link{min-height:32px;padding:4px 0}
.choices{display:grid;gap:12px;margin:16px 0 0}
.choice{border:1px solid #d5dbe3;border-radius:6px;padding:14px 16px}
.choice button,.choice a.btn-primary,.choice a.btn-secondary{width:100%}
.choice p{margin:8px 0 0;color:#3d4652;font-size:.9375rem}
ul.sites,ul.next-steps{margin:0 0 16px;padding:0 0 0 1.25em}
ul.sites li,ul.next-steps li{margin:0 0 6px}
h2.next-title{font-size:1rem;margin:16px 0 6px}
.reference code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
.offers{list-style:none;margin:0;padding:0;display:grid;gap:12px}
.offers>li{border:1px solid #d5dbe3;border-radius:6px;padding:14px 16px}
.offers h3{font-size:1.0625rem;margin:0 0 6px}
.offers p{margin:0 0 8px}
.offers p:last-child,.offers ul:last-child{margin-bottom:0}
.offers ul{margin:0;padding:0 0 0 1.25em}
.prose h2{margin:28px 0 8px}
.prose ul,.prose ol{margin:0 0 12px;padding:0 0 0 1.25em}
.prose li{margin:0 0 6px}
@media (min-width:700px){.offers{grid-template-columns:1fr 1fr}}
@media (max-width:600px){
.consents thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.consents tr{display:block;border-bottom:1px solid #e3e7ed;padding:8px 0}
.consents td{display:block;border:0;padding:4px 0}
.consents tbody tr:last-child{border-bottom:0}
.consents td[data-label]::before{content:attr(data-label);display:block;font-size:.8125rem;color:#4f5966;font-weight:400}
}
@media (max-width:400px){
.page{padding:16px 12px}
.card{padding:18px 16px}
h1{font-size:1.3125rem}
.actions button{width:100%}
}
@media (forced-colors:active){
.alert,.flash,.note,.card{border:1px solid CanvasText}
}
/* Two-step sign-in (issue 11, point 1): who signs in on the code page, recovery codes on the account page. */
.signing-in{margin:0 0 12px}
.id-masked{font-variant-numeric:tabular-nums;letter-spacing:.02em;white-space:nowrap}
.note.warn{background:#fff6e0;border-left-color:#8a5a00;color:#4a3200}
.recovery-new{margin:0 0 16px}
.recovery-codes{list-style:none;margin:0 0 16px;padding:12px;display:grid;grid-template-columns:repeat(auto-fill,minmax(9.5em,1fr));gap:8px 16px;background:#f3f5f8;border:1px solid #d5dbe3;border-radius:6px}
.recovery-codes code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:1.0625rem;letter-spacing:.05em}
.section h3{font-size:1rem;margin:20px 0 8px}
/* Registration and the account page (issue 11, points 5 and 6): errors beside their fields and a
   summary above the form, the password rules and strength meter, the success panel, the sign-in
   history and sessions tables (no broken words at 1280 px, stacked on a phone). */
.error-summary{border:3px solid #b3261e;border-radius:6px;padding:14px 16px;margin:0 0 20px;color:#1b1f24}
.error-summary:focus{outline:3px solid #0a4fb3;outline-offset:2px}
.error-summary h2{font-size:1.0625rem;margin:0 0 8px;color:#7a1712}
.error-summary ul{margin:0;padding:0 0 0 1.25em}
.error-summary li{margin:0 0 4px}
.error-summary a{color:#b3261e;font-weight:600}
.field.has-error{border-left:4px solid #b3261e;padding-left:12px}
.field-error{color:#b3261e;font-weight:600;font-size:.9375rem;margin:0 0 6px}
.field-error p{margin:0 0 2px}
.password-rules{background:#f3f5f8;border:1px solid #d5dbe3;border-radius:6px;padding:10px 14px;margin:0 0 8px;font-size:.9375rem}
.password-rules .rules-title{font-weight:600;margin:0 0 4px}
.password-rules ul.rules{list-style:none;margin:0 0 6px;padding:0}
.password-rules ul.rules li{position:relative;padding:0 0 0 1.5em;margin:0 0 2px}
.password-rules ul.rules li::before{content:"•";position:absolute;left:.4em;color:#4f5966}
.password-rules ul.rules li.met{color:#14532d}
.password-rules ul.rules li.met::before{content:"✓";left:.2em;color:#1e7b34;font-weight:700}
.password-rules ul.rules li.unmet{color:#7a1712}
.password-rules ul.rules li.unmet::before{content:"✗";left:.2em;color:#b3261e;font-weight:700}
.password-rules .rules-advice{color:#4f5966;margin:0;font-size:.875rem}
.meter{margin:8px 0 0}
.meter[hidden]{display:none}
.meter-track{height:8px;background:#e3e7ed;border-radius:4px;overflow:hidden;max-width:26rem}
.meter-fill{height:100%;width:0;background:#6b7684;transition:width .15s}
.meter[data-level="1"] .meter-fill{background:#b3261e}
.meter[data-level="2"] .meter-fill{background:#8a5a00}
.meter[data-level="3"] .meter-fill{background:#1e7b34}
.meter[data-level="4"] .meter-fill{background:#14532d}
.meter-text{margin:4px 0 0;font-size:.875rem;color:#3d4652}
.field.terms .check{margin:0}
.field.terms label a{font-weight:600;white-space:nowrap}
.success-panel{background:#eaf6ee;border:2px solid #1e7b34;border-radius:6px;padding:16px 18px;margin:0 0 20px;color:#14532d}
.success-panel h1{margin:0 0 4px}
.success-panel p{margin:0}
table.history,table.sessions{width:100%;border-collapse:collapse;margin:0 0 12px}
.history th,.history td,.sessions th,.sessions td{text-align:left;vertical-align:top;padding:10px 8px;border-bottom:1px solid #e3e7ed;overflow-wrap:normal;word-break:normal}
.history th,.sessions th{font-size:.875rem;color:#4f5966;font-weight:600}
.history td.when,.history td.ip,.sessions td.when{white-space:nowrap;font-variant-numeric:tabular-nums}
.history td.ip .mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:.9375rem}
.history th,.sessions th,.consents th{white-space:nowrap}
.consents td.portal{width:30%}
.consents td.date{white-space:nowrap}
.badge-line{display:block;margin:4px 0 0}
.badge-line .badge{margin:0}
.badge{display:inline-block;font-size:.8125rem;font-weight:600;border-radius:999px;padding:0 8px;margin:0 0 0 6px;border:1px solid #0a4fb3;color:#0a4fb3;background:#eef4fc;white-space:nowrap}
.consents th,.consents td{overflow-wrap:normal;word-break:normal}
.consents td:last-child,.sessions td:last-child{white-space:nowrap}
ul.plain{list-style:none;margin:0;padding:0}
ul.plain li{margin:0}
.account-console .password-rules{max-width:26rem}
@media (min-width:1000px){.page.wide:has(.account-console){max-width:960px}}
@media (max-width:600px){
.history thead,.sessions thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.history tr,.sessions tr{display:block;border-bottom:1px solid #e3e7ed;padding:8px 0}
.history td,.sessions td{display:block;border:0;padding:2px 0}
.history tbody tr:last-child,.sessions tbody tr:last-child{border-bottom:0}
.history td[data-label]::before,.sessions td[data-label]::before{content:attr(data-label);display:block;font-size:.8125rem;color:#4f5966;font-weight:400}
.consents td:last-child,.sessions td:last-child,.consents td.date{white-space:normal}
.consents td.portal{width:auto}
.history th,.sessions th,.consents th{white-space:normal}
}
/* The sign-in page and its enterprise tab (issue 11, point 2): the password's show/hide button
   inside the field (shown by its script only), the links under the form, the QR code first with
   its steps beside it (stacked on a phone), the expiry and its countdown, the wait, the
   developers' disclosure, a spent QR code's place, the note that the licence was received. */
.password-field{position:relative;display:flow-root}
.password-field input.has-toggle{padding-right:5.25em}
.password-toggle{position:absolute;right:4px;bottom:23px;min-height:36px;padding:2px 12px;background:#fff;color:#0a4fb3;border:2px solid #0a4fb3;border-radius:4px;font-weight:600;font-size:.9375rem;line-height:1.4}
.password-toggle:hover{background:#eef4fc}
.password-toggle[hidden]{display:none}
.login-links{display:flex;flex-wrap:wrap;justify-content:space-between;gap:0 16px;margin:8px 0 0}
.login-links a{display:inline-block;padding:10px 0}
.qr-login{display:flex;flex-wrap:wrap;gap:12px 20px;align-items:center;margin:0 0 10px}
.qr-login .qr{flex:none;width:200px;margin:0}
.qr-side{flex:1 1 11rem;min-width:0}
ol.steps{margin:0 0 10px;padding:0 0 0 1.3em}
ol.steps li{margin:0 0 6px}
.expiry{font-size:.9375rem;color:#3d4652;margin:0 0 8px}
.countdown{font-weight:600;white-space:nowrap;font-variant-numeric:tabular-nums;color:#1b1f24}
.pulse{display:inline-block;vertical-align:middle;margin:0 8px 2px 0;width:10px;height:10px;border-radius:50%;background:#0a4fb3;animation:tongban-pulse 1.4s ease-in-out infinite}
@keyframes tongban-pulse{0%,100%{opacity:.3}50%{opacity:1}}
@media (prefers-reduced-motion:reduce){.pulse{animation:none}}
details.developer{border:1px solid #d5dbe3;border-radius:6px;padding:0 12px;margin:0 0 12px}
details.developer summary{cursor:pointer;padding:10px 0;font-weight:600;color:#3d4652}
details.developer[open]{padding-bottom:12px}
details.developer p{font-size:.9375rem;margin:0 0 6px}
pre.command{margin:0 0 12px;padding:8px 10px;background:#1b1f24;color:#f3f5f8;border-radius:4px;white-space:pre-wrap;overflow-wrap:anywhere;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:.8125rem}
details.developer .secret{font-size:.8125rem;letter-spacing:0;margin:0}
.qr-gone{display:flex;flex-direction:column;align-items:center;justify-content:center;gap:12px;min-height:200px;text-align:center;background:#f3f5f8}
.qr-gone-title{font-weight:600;margin:0;color:#3d4652}
.note.success{background:#eaf6ee;border-left-color:#1e7b34;color:#14532d}
.note .note-title{font-weight:600;margin:0 0 4px}
.note p:last-child{margin-bottom:0}
.note .countdown{color:inherit}
`
  .trim()
  .replace(/\n/g, '');
