/**
 * The public check page of an electronic licence (GET /v/{id}, what a licence file's QR code
 * opens: src/licences/check-page/). Words a clerk or a stranger scanning the code understands: the
 * state of the licence and what it means, never a status code. [zh-CN, en].
 */
export const licenceCheck = {
  'licence_check.title': ['电子证照核验', 'Electronic licence check'],
  'licence_check.lead': [
    '这是通办登记的这份电子证照的当前状态，由发证机关维护。',
    'This is the current state of this electronic licence as tongban records it, kept up to date by its issuing authority.',
  ],
  'licence_check.status_heading': ['状态：{status}', 'Status: {status}'],

  'licence_check.status.valid': ['有效', 'Valid'],
  'licence_check.status.valid.body': [
    '这份证照由下列发证机关签发，目前有效。',
    'The issuing authority below issued this licence, and it is valid now.',
  ],
  'licence_check.status.not_yet_valid': ['尚未生效', 'Not yet valid'],
  'licence_check.status.not_yet_valid.body': [
    '这份证照已经签发，但要到有效期限开始的那天才生效。',
    'This licence has been issued, but it takes effect only on the first day of its validity.',
  ],
  'licence_check.status.suspended': ['已暂停', 'Suspended'],
  'licence_check.status.suspended.body': [
    '发证机关已暂停这份证照。暂停期间，它不能作为有效证照使用；发证机关恢复后，这里会重新显示为有效。',
    'The issuing authority has suspended this licence. While it is suspended it cannot be used as a valid licence; if the authority reinstates it, this page will show it as valid again.',
  ],
  'licence_check.status.revoked': ['已撤销', 'Revoked'],
  'licence_check.status.revoked.body': [
    '发证机关已撤销这份证照，它不再有效，也不会恢复。',
    'The issuing authority has revoked this licence. It is no longer valid and will not become valid again.',
  ],
  'licence_check.status.expired': ['已过期', 'Expired'],
  'licence_check.status.expired.body': [
    '这份证照已超过有效期限，不再有效。',
    'This licence is past the end of its validity and is no longer valid.',
  ],

  'licence_check.details': ['证照信息', 'About the licence'],
  'licence_check.field.number': ['证照编号', 'Licence number'],
  'licence_check.field.type': ['证照类型', 'Type of licence'],
  'licence_check.field.issuer': ['发证机关', 'Issuing authority'],
  'licence_check.field.holder': ['持证人', 'Holder'],
  'licence_check.field.validity': ['有效期限', 'Valid'],
  'licence_check.validity.range': ['{from}至{until}', 'from {from} to {until}'],
  'licence_check.validity.open': ['{from}起长期有效', 'from {from}, with no end date'],
  'licence_check.holder.masked': ['（已部分隐去）', '(partly hidden)'],

  'licence_check.compare': [
    '请核对证照编号、证照类型和持证人与您看到的证照是否一致。',
    'Check that the licence number, the type and the holder match the licence in front of you.',
  ],
  'licence_check.privacy': [
    '本页只显示核验所需的信息。为保护个人信息，公民持证人的姓名已部分隐去；证照上的其他内容，请查看持证人出示的证照。',
    'This page shows only what a check needs. To protect personal information, a citizen holder’s name is partly hidden; for anything else on the licence, look at the licence the holder shows you.',
  ],
  'licence_check.checked_at': ['核验时间：{time}（北京时间）', 'Checked at {time} (China Standard Time)'],

  'licence_check.not_found.title': ['没有找到这份证照', 'Licence not found'],
  'licence_check.not_found.body': [
    '通办没有这个编号的电子证照。请确认扫描的二维码或打开的链接完整；如果证照不是发证机关签发的，这里也会这样显示。',
    'tongban has no electronic licence with this number. Make sure the QR code was scanned or the link opened in full; a licence its issuing authority never issued shows this page too.',
  ],
  'licence_check.malformed.body': [
    '链接中的编号不是有效的电子证照编号（GB/T 36904），可能抄错或被截断了。请重新扫描证照上的二维码。',
    'The number in the link is not a valid electronic licence number (GB/T 36904): it may have been mistyped or cut short. Scan the QR code on the licence again.',
  ],
} as const satisfies Record<string, readonly [string, string]>;
