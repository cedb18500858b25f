/**
 * The public page of a shown licence (亮证, GET /s/{token}: src/licences/holders/share-page.ts):
 * what a clerk or a website sees when the holder shows them a licence, in words — never a status
 * code. [zh-CN, en].
 */
export const licenceShare = {
  'licence_share.title': ['亮证核验', 'A licence shown to you'],
  'licence_share.lead': [
    '持证人通过通办向您出示了这份电子证照。下面的内容已经核验：由发证机关签发，没有被改动。',
    'The holder is showing you this electronic licence through tongban. What follows has been checked: the issuing authority issued it, and nothing in it has been changed.',
  ],
  'licence_share.status_heading': ['状态：{status}', 'Status: {status}'],
  'licence_share.details': ['证照信息', 'About the licence'],
  'licence_share.field.type': ['证照类型', 'Type of licence'],
  'licence_share.field.issuer': ['发证机关', 'Issuing authority'],
  'licence_share.field.validity': ['有效期限', 'Valid'],
  'licence_share.validity.range': ['{from}至{until}', 'from {from} to {until}'],
  'licence_share.validity.open': ['{from}起长期有效', 'from {from}, with no end date'],
  'licence_share.shown': ['持证人出示的内容', 'What the holder chose to show'],
  'licence_share.shown.none': [
    '持证人没有选择出示证照上的具体内容，只出示了这份证照的类型、发证机关和状态。',
    'The holder chose to show none of the details on the licence: only its type, its issuing authority and its status.',
  ],
  'licence_share.only_chosen': [
    '本页只显示持证人这一次选择出示的内容，证照上的其他内容没有出示，通办也不会提供。',
    'This page shows only what the holder chose to show this time. Nothing else on the licence was shown, and tongban will not give it out.',
  ],
  'licence_share.expires': ['此链接将于 {time}（北京时间）失效。', 'This link stops working at {time} (China Standard Time).'],
  'licence_share.time_left': ['剩余时间：{left}', 'Time left: {left}'],
  'licence_share.checked_at': ['核验时间：{time}（北京时间）', 'Checked at {time} (China Standard Time)'],

  'licence_share.expired.title': ['这个亮证链接已过期', 'This shared licence has expired'],
  'licence_share.expired.body': [
    '持证人出示证照的链接只在很短的时间内有效。这个链接已于 {time}（北京时间）失效，证照的内容不再显示。',
    'A link a holder shows a licence with works only for a short time. This one stopped working at {time} (China Standard Time), and the licence is no longer shown.',
  ],
  'licence_share.expired.next': [
    '如果还需要查看，请持证人重新出示证照，生成新的二维码或链接。',
    'If you still need to see it, ask the holder to show the licence again, with a new QR code or link.',
  ],
  'licence_share.ended.title': ['持证人已停止出示这份证照', 'The holder has stopped showing this licence'],
  'licence_share.ended.body': [
    '持证人于 {time}（北京时间）提前结束了这次出示，证照的内容不再显示。',
    'The holder ended this showing early, at {time} (China Standard Time), and the licence is no longer shown.',
  ],
  'licence_share.unknown.title': ['没有找到这个亮证链接', 'Shared licence not found'],
  'licence_share.unknown.body': [
    '这个链接不是有效的亮证链接。请确认扫描的二维码完整，或者链接没有抄错、没有被截断。',
    'This is not a link a holder shows a licence with. Make sure the whole QR code was scanned, or that the link was not mistyped or cut short.',
  ],
  'licence_share.unverified.title': ['无法核验这份证照', 'This licence could not be checked'],
  'licence_share.unverified.body': [
    '通办无法确认这份出示的证照未被改动，因此不显示它的内容。请不要据此办理业务，可请持证人重新出示。',
    'tongban could not confirm that this licence is unchanged, so none of it is shown. Do not rely on it; you may ask the holder to show it again.',
  ],
  'licence_share.what_is': [
    '亮证：持证人用通办出示电子证照时，可以只选择出示其中的部分内容，链接过一段时间就会失效。',
    'Showing a licence: a holder can show an electronic licence through tongban with only some of its details, through a link that stops working after a short time.',
  ],
} as const satisfies Record<string, readonly [string, string]>;
