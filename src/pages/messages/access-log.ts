/**
 * 谁用了我的身份信息 (who used my identity, issue 14 §4): the citizen's access log on the account
 * console (/account/access-log, src/self-service/pages/access-log.ts) and the plain-words summary
 * of each entry that GET /api/v1/me/access-log gives. Every entry is one sentence a citizen reads
 * without knowing the protocol: the portal by its name, the level in words, never a scope, a claim
 * name or an action code. [zh-CN, en].
 *
 * Placeholders: {time} (date and time, China time), {portal} (a portal's name, or “someone”),
 * {level} (basic, higher, high), {whose} and {whom} (“your”, “you”, or the enterprise's name),
 * {enterprise}, {agent} (the person who acted for the enterprise), {what} (an action in words).
 */
export const accessLog = {
  'access_log.title': ['谁用了我的身份信息', 'Who used my identity'],
  'access_log.link': ['谁用了我的身份信息', 'Who used my identity'],
  'access_log.link_hint': [
    '查看哪些网站为您登录过、谁获得了您的身份证号、谁核验过您的证照、谁打开过您出示的证照。',
    'See which websites signed you in, who received your ID number, who checked your licences and who opened a licence you showed.',
  ],
  'access_log.lead': [
    '这里列出通办记录的、与您的身份信息有关的每一件事：哪些网站为您登录、在什么级别；哪些网站获得了您的身份证号；谁核验了您的电子证照；谁打开了您出示的证照；通办工作人员对您的记录做过的处理。最新的在最前面。',
    'Everything tongban has recorded about the use of your identity: which websites signed you in, and at what level; which received your ID number; who checked your electronic licences; who opened a licence you showed; what tongban’s staff did to your record. The newest comes first.',
  ],
  'access_log.unalterable': [
    '这些记录只能添加，不能修改或删除，通办的工作人员也不能。',
    'These records can only be added to: nobody can change or delete them, tongban’s staff included.',
  ],
  'access_log.enterprises': [
    '您是{enterprises}的法定代表人，这里也列出与企业有关的记录，包括谁代表企业登录。',
    'You are the legal representative of {enterprises}, so the records about the enterprise are here too, including who signed in for it.',
  ],
  'access_log.enterprise_session': [
    '您正代表{enterprise}登录，这里列出的是与企业有关的记录。',
    'You are signed in for {enterprise}: these are the records about the enterprise.',
  ],
  'access_log.list_label': ['记录，最新的在前', 'Records, newest first'],
  'access_log.empty': [
    '还没有任何记录。有网站为您登录、获得您的身份证号或核验您的证照时，会在这里列出。',
    'Nothing has been recorded yet. When a website signs you in, receives your ID number or checks your licences, it will be listed here.',
  ],
  'access_log.no_earlier': ['没有更早的记录了。', 'There are no earlier records.'],
  'access_log.earlier': ['更早的记录', 'Earlier'],
  'access_log.paging': ['翻页', 'More records'],
  'access_log.newest': ['回到最新的记录', 'Back to the newest'],
  'access_log.back': ['返回我的账户', 'Back to my account'],
  'access_log.not_you': [
    '如果这不是您本人，请尽快修改密码，并开启两步登录。',
    'If this was not you, change your password soon and turn on two-step sign-in.',
  ],
  'access_log.outcome.failure': ['没有成功。', 'It did not succeed.'],
  'access_log.outcome.refused': ['被拒绝了。', 'It was refused.'],
  'access_log.licence_number': ['证照编号：{id}', 'Licence number: {id}'],

  // Who and whose
  'access_log.someone': ['有人', 'someone'],
  'access_log.tongban': ['通办', 'tongban'],
  'access_log.staff': ['通办的工作人员', 'tongban’s staff'],
  'access_log.whose.you': ['您的', 'your'],
  'access_log.whose.enterprise': ['{enterprise}的', '{enterprise}’s'],
  'access_log.whom.you': ['您', 'you'],
  'access_log.whom.enterprise': ['{enterprise}', '{enterprise}'],
  'access_log.level.1': ['基本', 'basic'],
  'access_log.level.2': ['较高', 'higher'],
  'access_log.level.3': ['高', 'high'],

  // One sentence per kind of entry
  'access_log.signin': ['{portal} 于 {time} 以“{level}”级别为您登录。', 'On {time}, {portal} signed you in at the {level} level.'],
  'access_log.signin.no_level': ['{portal} 于 {time} 为您登录。', 'On {time}, {portal} signed you in.'],
  'access_log.signin.enterprise': [
    '{agent} 于 {time} 代表{enterprise}以“{level}”级别登录 {portal}。',
    'On {time}, {agent} signed in to {portal} for {enterprise} at the {level} level.',
  ],
  'access_log.signin.enterprise_no_level': [
    '{agent} 于 {time} 代表{enterprise}登录 {portal}。',
    'On {time}, {agent} signed in to {portal} for {enterprise}.',
  ],
  'access_log.signin.failed': [
    '{time}，有人用您的身份证号尝试登录 {portal}，没有成功。',
    'On {time}, someone tried to sign in to {portal} with your ID number and did not succeed.',
  ],
  'access_log.signin.refused': ['{time}，以您的身份登录 {portal} 的请求被拒绝了。', 'On {time}, a sign-in to {portal} as you was refused.'],
  'access_log.second_factor.success': [
    '{time}，登录 {portal} 时输入了正确的动态验证码。',
    'On {time}, a correct one-time code was entered to sign in to {portal}.',
  ],
  'access_log.second_factor.failure': [
    '{time}，登录 {portal} 时输入的动态验证码不正确。',
    'On {time}, a wrong one-time code was entered to sign in to {portal}.',
  ],
  'access_log.signout': ['您于 {time} 退出了 {portal}。', 'On {time}, you signed out of {portal}.'],
  'access_log.second_factor_enrol': ['您于 {time} 开启了两步登录。', 'On {time}, you turned on two-step sign-in.'],
  'access_log.second_factor_remove': ['您于 {time} 关闭了两步登录。', 'On {time}, you turned off two-step sign-in.'],
  'access_log.consent_grant': ['您于 {time} 同意 {portal} 使用您的信息。', 'On {time}, you allowed {portal} to use your details.'],
  'access_log.consent_withdraw': ['您于 {time} 撤回了对 {portal} 的授权。', 'On {time}, you withdrew what you had allowed {portal}.'],
  'access_log.token_grant': [
    '{portal} 于 {time} 通过通办以“{level}”级别确认了您的身份。',
    'On {time}, {portal} confirmed who you are through tongban, at the {level} level.',
  ],
  'access_log.token_grant.no_level': [
    '{portal} 于 {time} 通过通办确认了您的身份。',
    'On {time}, {portal} confirmed who you are through tongban.',
  ],
  'access_log.id_number_release': ['{portal} 于 {time} 获得了您的身份证号。', 'On {time}, {portal} received your ID number.'],
  'access_log.licence_verified': ['{portal} 于 {time} 核验了{whose}电子证照。', 'On {time}, {portal} checked {whose} electronic licence.'],
  'access_log.verified.seal': ['{portal} 于 {time} 核验了{whose}电子印章。', 'On {time}, {portal} checked {whose} electronic seal.'],
  'access_log.verified.certificate': [
    '{portal} 于 {time} 核验了{whose}数字证书。',
    'On {time}, {portal} checked {whose} digital certificate.',
  ],
  'access_log.verified.document': [
    '{portal} 于 {time} 核验了一份盖有{whose}电子印章的文件。',
    'On {time}, {portal} checked a document stamped with {whose} electronic seal.',
  ],
  'access_log.verdict.valid': ['核验结果：有效。', 'The result: valid.'],
  'access_log.verdict.invalid': ['核验结果：无效。', 'The result: not valid.'],
  'access_log.verdict.indeterminate': ['核验结果：暂时无法确定。', 'The result: it could not be told.'],
  'access_log.share_opened.refused': ['链接已失效，对方没有看到证照内容。', 'The link no longer worked: nothing was shown.'],
  'access_log.verified': [
    '{portal} 于 {time} 核验了{whose}电子印章或证书。',
    'On {time}, {portal} checked {whose} electronic seal or certificate.',
  ],
  'access_log.share_opened': [
    '有人于 {time} 打开了您出示证照（亮证）的链接。',
    'On {time}, someone opened the link of a licence you showed.',
  ],
  'access_log.share_create': ['您于 {time} 出示了一份证照（亮证）。', 'On {time}, you showed a licence.'],
  'access_log.share_withdraw': ['您于 {time} 提前结束了一次亮证。', 'On {time}, you ended the showing of a licence early.'],
  'access_log.licence_issue': [
    '{portal} 于 {time} 为{whom}签发了一份电子证照。',
    'On {time}, {portal} issued {whom} an electronic licence.',
  ],
  'access_log.licence_status': ['{time}，{whose}一份电子证照{what}。', 'On {time}, {whose} electronic licence {what}.'],
  'access_log.certificate_status': ['{time}，{whose}证书{what}。', 'On {time}, {whose} certificate {what}.'],
  'access_log.seal_status': ['{time}，{whose}电子印章{what}。', 'On {time}, {whose} electronic seal {what}.'],
  'access_log.seal_used': [
    '{portal} 于 {time} 用{whose}电子印章盖了章。',
    'On {time}, {portal} stamped a document with {whose} electronic seal.',
  ],
  'access_log.registry_change': [
    '{time}，人口或企业登记中{whose}记录有了变更。',
    'On {time}, {whose} record in the population or enterprise register changed.',
  ],
  'access_log.operator_action': [
    '{time}，通办的工作人员处理了{whose}记录：{what}。',
    'On {time}, tongban’s staff acted on {whose} record: {what}.',
  ],
  'access_log.other': [
    '{time}，通办记录了与{whose}身份有关的一件事：{what}。',
    'On {time}, tongban recorded something about {whose} identity: {what}.',
  ],

  // What happened to a licence, certificate or seal (after its subject)
  'access_log.status.issue': ['被签发', 'was issued'],
  'access_log.status.suspend': ['被暂停', 'was suspended'],
  'access_log.status.reinstate': ['恢复有效', 'was reinstated'],
  'access_log.status.revoke': ['被撤销', 'was revoked'],
  'access_log.status.expire': ['到期', 'expired'],
  'access_log.status.hold': ['被暂停使用', 'was put on hold'],
  'access_log.status.release': ['恢复使用', 'was released from hold'],
  'access_log.status.make': ['被制作', 'was made'],

  // An action in words, for staff actions and anything else
  'access_log.action.signin': ['登录', 'a sign-in'],
  'access_log.action.signin.second-factor': ['核对动态验证码', 'a one-time code checked'],
  'access_log.action.signout': ['退出登录', 'a sign-out'],
  'access_log.action.second-factor.enrol': ['开启两步登录', 'two-step sign-in turned on'],
  'access_log.action.second-factor.remove': ['关闭两步登录', 'two-step sign-in turned off'],
  'access_log.action.consent.grant': ['授权网站', 'a website allowed'],
  'access_log.action.consent.withdraw': ['撤回授权', 'an authorisation withdrawn'],
  'access_log.action.token.grant': ['发放访问许可', 'leave to read details given'],
  'access_log.action.claim.id_number.release': ['提供身份证号', 'the ID number given out'],
  'access_log.action.certificate.issue': ['签发证书', 'a certificate issued'],
  'access_log.action.certificate.revoke': ['撤销证书', 'a certificate revoked'],
  'access_log.action.certificate.hold': ['暂停证书', 'a certificate put on hold'],
  'access_log.action.certificate.release': ['恢复证书', 'a certificate released from hold'],
  'access_log.action.licence.issue': ['签发电子证照', 'an electronic licence issued'],
  'access_log.action.licence.suspend': ['暂停电子证照', 'an electronic licence suspended'],
  'access_log.action.licence.reinstate': ['恢复电子证照', 'an electronic licence reinstated'],
  'access_log.action.licence.revoke': ['撤销电子证照', 'an electronic licence revoked'],
  'access_log.action.licence.expire': ['电子证照到期', 'an electronic licence expired'],
  'access_log.action.licence.share.create': ['亮证', 'a licence shown'],
  'access_log.action.licence.share.open': ['打开亮证链接', 'a shown licence opened'],
  'access_log.action.licence.share.withdraw': ['结束亮证', 'a showing ended'],
  'access_log.action.seal.make': ['制作电子印章', 'an electronic seal made'],
  'access_log.action.seal.revoke': ['撤销电子印章', 'an electronic seal revoked'],
  'access_log.action.seal.stamp': ['用电子印章盖章', 'a document stamped'],
  'access_log.action.verify': ['核验', 'a check'],
  'access_log.action.registry.import': ['导入登记信息', 'register records imported'],
  'access_log.action.registry.change': ['变更登记信息', 'a register record changed'],
  'access_log.action.client.add': ['登记网站', 'a website registered'],
  'access_log.action.client.change': ['修改网站登记', 'a website’s registration changed'],
  'access_log.action.client.remove': ['删除网站登记', 'a website’s registration removed'],
  'access_log.action.key.rotate': ['更换密钥', 'keys rotated'],
  'access_log.action.key.init': ['生成密钥', 'keys made'],
  'access_log.action.trust.add': ['添加信任证书', 'a trusted certificate added'],
  'access_log.action.trust.remove': ['移除信任证书', 'a trusted certificate removed'],
  'access_log.action.operator.command': ['执行管理命令', 'an administrative command'],
} as const satisfies Record<string, readonly [string, string]>;
