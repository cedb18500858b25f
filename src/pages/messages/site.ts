/**
 * tongban's own pages (src/site): the home page, help, forgotten passwords, the user agreement
 * and the privacy notice. Plain words; one word for the portals that sign people in with tongban:
 * 网站 / website. [zh-CN, en].
 */
export const site = {
  // The home page.
  'home.title': ['首页', 'Home'],
  'home.heading': ['一次登录，办遍政务服务', 'One sign-in for government services'],
  'home.lead': [
    '通办是各政务服务网站共用的登录服务。用本人身份证号和密码登录一次，就可以在所有接入通办的网站办理业务，无需为每个网站单独注册。',
    'tongban is the sign-in service that government websites share. Sign in once with your ID number and password and you can use every website connected to tongban, without registering with each one.',
  ],
  'home.offers': ['在这里，您可以', 'Here you can'],
  'home.signin.title': ['登录政务服务网站', 'Sign in to government websites'],
  'home.signin.body': [
    '在接入通办的网站上选择“使用通办统一身份认证登录”，页面会转到通办；登录并确认后，会自动回到该网站。',
    'On a website connected to tongban, choose “Sign in with tongban”. You come to tongban, sign in and confirm, and are taken back to the website.',
  ],
  'home.signin.demo': ['可以先在示范网站上试一试：', 'You can try it on the demo websites:'],
  'home.register.title': ['注册账户', 'Create an account'],
  'home.register.body': [
    '使用本人居民身份证上的身份证号和姓名注册，通办会与人口登记信息核对。',
    'Register with the ID number and name on your own resident identity card; tongban checks them against the population register.',
  ],
  'home.register.link': ['注册账户', 'Create an account'],
  'home.account.title': ['我的账户', 'My account'],
  'home.account.body': [
    '修改密码，开启两步验证，查看和撤销您允许获取信息的网站。',
    'Change your password, turn on two-step sign-in, and see or withdraw the websites you have allowed to receive your information.',
  ],
  'home.account.link': ['进入我的账户', 'Go to my account'],
  'home.help.title': ['帮助', 'Help'],
  'home.help.body': [
    '登录方式、两步验证和恢复码、忘记密码、联系方式。',
    'How to sign in, two-step sign-in and recovery codes, a forgotten password, who to contact.',
  ],
  'home.help.link': ['查看帮助', 'Read the help'],

  // Links every page carries in its footer.
  'site.nav.label': ['站点链接', 'Site links'],
  'site.nav.home': ['首页', 'Home'],
  'site.nav.help': ['帮助', 'Help'],
  'site.nav.terms': ['用户协议', 'User agreement'],
  'site.nav.privacy': ['隐私政策', 'Privacy notice'],
  'site.back_home': ['返回首页', 'Back to the home page'],
  'site.updated': ['更新日期：{date}', 'Last updated: {date}'],

  // Help.
  'help.title': ['帮助', 'Help'],
  'help.lead': [
    '这里说明如何用通办登录、如何保护账户，以及遇到问题时怎么办。',
    'How to sign in with tongban, how to keep your account safe, and what to do when something goes wrong.',
  ],
  'help.signin.title': ['如何登录', 'How sign-in works'],
  'help.signin.body1': [
    '在政务服务网站上选择“使用通办统一身份认证登录”，浏览器会转到通办的登录页面（网址以 {host} 开头）。请先核对网址，再输入身份证号和密码。',
    'On a government website, choose “Sign in with tongban”. Your browser goes to tongban’s sign-in page (its address starts with {host}). Check the address before you enter your ID number and password.',
  ],
  'help.signin.body2': [
    '第一次登录某个网站时，通办会列出该网站想获取的信息，由您决定是否同意。同意后会自动回到该网站。',
    'The first time you sign in to a website, tongban lists the information it asks for and you decide whether to allow it. You are then taken back to the website.',
  ],
  'help.signin.body3': [
    '登录后，在同一个浏览器中访问其他接入通办的网站，无需再次输入密码。退出时，您可以只退出当前网站，也可以退出全部网站。在公共设备上，请选择全部退出并关闭浏览器。',
    'Once signed in, you do not need to enter your password again for other websites connected to tongban in the same browser. When you sign out you can leave only the current website or sign out everywhere. On a shared device, sign out everywhere and close the browser.',
  ],
  'help.two_step.title': ['两步验证', 'Two-step sign-in'],
  'help.two_step.body1': [
    '开启两步验证后，用密码登录时还要输入手机验证器应用中显示的 6 位动态验证码，即使密码泄露，别人也无法登录。支持 TOTP 标准的验证器应用都可以使用。',
    'With two-step sign-in on, you also enter the 6-digit code shown by an authenticator app on your phone when you sign in with your password, so nobody can sign in with your password alone. Any authenticator app that supports the TOTP standard works.',
  ],
  'help.two_step.body2': [
    '有些网站要求必须开启两步验证。在“我的账户”中开启：用验证器应用扫描二维码，再输入应用显示的验证码即可。',
    'Some websites require it. Turn it on in My account: scan the QR code with the authenticator app, then enter the code the app shows.',
  ],
  'help.recovery.title': ['恢复码', 'Recovery codes'],
  'help.recovery.body1': [
    '开启两步验证时，通办会显示一组恢复码，只显示这一次。请把它们抄写或打印下来，放在安全的地方，不要存在手机里。',
    'When you turn on two-step sign-in, tongban shows a set of recovery codes, once only. Write them down or print them and keep them somewhere safe, not on your phone.',
  ],
  'help.recovery.body2': [
    '手机丢失或无法使用验证器应用时，可以在输入动态验证码的页面改用一个恢复码登录，每个恢复码只能用一次。登录后，请在“我的账户”中关闭并重新开启两步验证，绑定新手机；恢复码快用完时，也可以在那里重新生成一组。',
    'If you lose your phone or cannot use the authenticator app, sign in with one recovery code on the page that asks for the code; each recovery code works once. Then turn two-step sign-in off and on again in My account to set up your new phone; when your recovery codes run low, you can make a new set there too.',
  ],
  'help.enterprise.title': ['代表企业登录（法人登录）', 'Signing in for an enterprise'],
  'help.enterprise.body1': [
    '代表企业办理业务时，在登录页面选择“法人登录（电子营业执照）”。您需要以本人身份登录，并用保存该企业电子营业执照的钱包扫描页面上的二维码确认。',
    'To act for an enterprise, choose “For an enterprise (e-licence)” on the sign-in page. You sign in as yourself and confirm with the wallet that holds the enterprise’s electronic business licence by scanning the QR code on the page.',
  ],
  'help.enterprise.body2': [
    '只有企业的法定代表人，或由法定代表人授权的经办人，才能代表企业登录。网站会看到企业的名称和统一社会信用代码，以及是谁在代表企业办理。',
    'Only the enterprise’s legal representative, or a person they have authorised, can sign in for it. The website sees the enterprise’s name and Unified Social Credit Code and who is acting for it.',
  ],
  'help.trouble.title': ['无法登录时', 'If you cannot sign in'],
  'help.trouble.forgot': ['忘记密码：请看“忘记密码”页面。', 'Forgotten your password: see the “Forgot password” page.'],
  'help.trouble.forgot_link': ['忘记密码', 'Forgot password'],
  'help.trouble.locked': [
    '连续多次输错密码后，为保护您的账户，该身份证号会被暂时限制登录，页面会显示何时可以再试；时间到了即可重新登录，无需重置密码。',
    'After several wrong passwords in a row, sign-in for that ID number is paused for a while to protect your account; the page says when you can try again. You do not need to reset your password.',
  ],
  'help.trouble.no_account': [
    '还没有账户：请先注册。注册时的身份证号和姓名必须与人口登记信息一致。',
    'No account yet: register first. The ID number and name must match the population register.',
  ],
  'help.contact.title': ['联系我们', 'Who to contact'],
  'help.contact.body1': [
    '请拨打 12345 政务服务便民热线，或前往就近的政务服务大厅。遇到出错页面时，请告知页面上的“参考编号”，便于工作人员查找。',
    'Call the 12345 government service hotline, or visit your nearest government service hall. If you saw an error page, give the “reference” shown on it so that staff can find what happened.',
  ],
  'help.contact.body2': [
    '任何人（包括工作人员）都不会向您索要密码、动态验证码或恢复码，请勿告诉他人。',
    'Nobody, including our staff, will ever ask for your password, one-time codes or recovery codes. Never give them to anyone.',
  ],
  'help.contact.website': [
    '对某个网站办理的业务有疑问，请联系该网站。',
    'For questions about a service a website provides, contact that website.',
  ],

  // Forgotten password.
  'forgot.title': ['忘记密码', 'Forgot your password'],
  'forgot.online': [
    '目前暂不提供在线重置密码。请按下面的方式重置。',
    'Resetting a password online is not offered yet. Reset it in one of the ways below.',
  ],
  'forgot.hall.title': ['到政务服务大厅重置（现在可以办理）', 'At a government service hall (available now)'],
  'forgot.hall.body': [
    '请本人携带有效的居民身份证，到任一政务服务大厅的综合受理窗口，说明要重置“通办”账户的密码。工作人员核验身份后为您重置，您当场设置新密码，并可立即登录。',
    'Go in person with your valid resident identity card to the general service counter of any government service hall and say that you want to reset your tongban password. Once staff have checked your identity, you set a new password there and can sign in straight away.',
  ],
  'forgot.hall.note': [
    '为保护您的账户，不能由他人代办，工作人员也不会通过电话重置密码。',
    'To protect your account, nobody can do this for you, and staff never reset passwords over the phone.',
  ],
  'forgot.register.title': ['通过实名核验在线重置（建设中）', 'Online, with a real-name check (coming)'],
  'forgot.register.body': [
    '今后，您可以在网上核对身份证号、姓名等与人口登记信息一致后重置密码。这项功能开放前，请到政务服务大厅办理。',
    'Later you will be able to reset your password online after checking your ID number and name against the population register. Until then, please go to a government service hall.',
  ],
  'forgot.locked': [
    '如果只是输错密码次数过多被暂时限制登录，请等到页面上显示的时间再试，不需要重置密码。',
    'If sign-in was only paused after too many wrong passwords, wait until the time shown on the page and try again; you do not need a new password.',
  ],
  'forgot.no_account': ['还没有账户？', 'No account yet?'],
  'forgot.register_link': ['注册账户', 'Create an account'],

  // The user agreement.
  'terms.title': ['用户协议', 'User agreement'],
  'terms.lead': [
    '使用通办统一身份认证，即表示您同意以下约定。我们尽量用简单的话说明。',
    'By using tongban you agree to the following. We have tried to say it simply.',
  ],
  'terms.service.title': ['通办是什么', 'What tongban is'],
  'terms.service.body': [
    '通办为政务服务网站提供统一的登录服务：您用一个账户登录接入通办的网站，由通办确认您的身份。各网站办理的业务由各网站负责。',
    'tongban signs you in to the government websites connected to it: you use one account, and tongban confirms who you are. Each website is responsible for the services it provides.',
  ],
  'terms.account.title': ['您的账户', 'Your account'],
  'terms.account.body1': [
    '账户只能用本人的真实身份注册，每个身份证号只能注册一个账户。',
    'You may register only with your own real identity, and only one account per ID number.',
  ],
  'terms.account.body2': [
    '请妥善保管密码、动态验证码和恢复码，不要告诉他人，也不要让他人用您的账户登录。在公共设备上用完后，请全部退出并关闭浏览器。',
    'Keep your password, one-time codes and recovery codes to yourself, and do not let anyone else sign in with your account. On a shared device, sign out everywhere and close the browser when you finish.',
  ],
  'terms.account.body3': [
    '如果发现账户被他人使用，请立即修改密码、开启两步验证，并拨打 12345 政务服务便民热线。',
    'If you find that someone else has used your account, change your password, turn on two-step sign-in and call the 12345 government service hotline at once.',
  ],
  'terms.sharing.title': ['向网站提供信息', 'Sharing information with websites'],
  'terms.sharing.body': [
    '网站获取您的信息前，通办会列出它想获取的内容，由您决定是否同意。您可以随时在“我的账户”中撤销。详情见隐私政策。',
    'Before a website receives your information, tongban lists what it asks for and you decide whether to allow it. You can withdraw at any time in My account. See the privacy notice for details.',
  ],
  'terms.enterprise.title': ['代表企业', 'Acting for an enterprise'],
  'terms.enterprise.body': [
    '只有在企业的法定代表人授权的范围内，才能代表企业登录和办理业务。',
    'You may sign in and act for an enterprise only within the authority its legal representative has given you.',
  ],
  'terms.changes.title': ['服务的变更和中断', 'Changes and interruptions'],
  'terms.changes.body': [
    '为了安全和维护，通办可能暂停部分功能，我们会尽量提前告知。本协议的变更会在本页公布，并注明更新日期。',
    'For security or maintenance tongban may pause some features; we give notice where we can. Changes to this agreement are published on this page with the date of the update.',
  ],
  'terms.contact.title': ['联系我们', 'Contact'],
  'terms.contact.body': [
    '对本协议有疑问，请拨打 12345 政务服务便民热线。',
    'For questions about this agreement, call the 12345 government service hotline.',
  ],

  // The privacy notice.
  'privacy.title': ['隐私政策', 'Privacy notice'],
  'privacy.lead': [
    '这里说明通办保存您的哪些信息、如何保护，以及网站能得到什么。',
    'What tongban keeps about you, how it is protected, and what websites receive.',
  ],
  'privacy.keeps.title': ['通办保存什么', 'What tongban keeps'],
  'privacy.keeps.id': [
    '身份证号和姓名：身份证号加密保存，页面和记录中只显示遮盖后的号码（例如 110105********1239）。',
    'Your ID number and name. The ID number is stored encrypted; pages and records show it only partly hidden (for example 110105********1239).',
  ],
  'privacy.keeps.password': [
    '密码：只保存无法还原成密码的校验值，任何人都看不到您的密码。',
    'Your password: only a check value that cannot be turned back into the password. Nobody can see your password.',
  ],
  'privacy.keeps.two_step': [
    '两步验证：开启后，保存验证器的密钥；恢复码只保存无法还原的校验值。',
    'Two-step sign-in: once you turn it on, the authenticator’s key; recovery codes only as check values that cannot be turned back.',
  ],
  'privacy.keeps.consents': [
    '您的授权：您允许了哪个网站获取哪些信息、在什么时间。',
    'Your permissions: which website you allowed to receive which information, and when.',
  ],
  'privacy.keeps.sessions': [
    '登录记录：登录的时间、网站、方式和网络地址，用于保护账户和处理投诉。',
    'Sign-in records: when, at which website, how, and from which network address, to protect your account and deal with complaints.',
  ],
  'privacy.websites.title': ['网站会得到什么', 'What websites receive'],
  'privacy.websites.number': [
    '一个代表您的编号。同一业务领域（例如税务）的网站得到同一个编号；不同领域的网站得到的编号不同，无法用它把您在不同领域的活动联系起来。',
    'A number that stands for you. Websites in the same field (tax, for example) get the same number; websites in different fields get different numbers, so they cannot use it to link what you do across fields.',
  ],
  'privacy.websites.claims': [
    '您同意提供的信息，例如姓名、遮盖后的身份证号。完整身份证号只提供给经登记可以获取它、并且得到您同意的网站。',
    'The information you allow, such as your name or your partly hidden ID number. Your full ID number goes only to websites registered to receive it, and only with your permission.',
  ],
  'privacy.websites.level': [
    '您这次是怎样登录的（密码、两步验证或电子营业执照），以便网站判断安全程度。',
    'How you signed in this time (password, two-step sign-in or electronic business licence), so the website can judge how secure it is.',
  ],
  'privacy.websites.never': [
    '网站永远得不到您的密码、动态验证码或恢复码。',
    'Websites never receive your password, one-time codes or recovery codes.',
  ],
  'privacy.control.title': ['您可以做什么', 'What you can do'],
  'privacy.control.body': [
    '在“我的账户”中查看哪些网站得到了您的授权，并随时撤销；撤销后，该网站再次需要您的信息时必须重新征得您的同意。',
    'In My account, see which websites you have allowed and withdraw any of them at any time; a website must then ask you again before it receives your information.',
  ],
  'privacy.cookies.title': ['Cookie', 'Cookies'],
  'privacy.cookies.body': [
    '通办只使用保持登录状态和记住页面语言所必需的 Cookie，不使用广告或跟踪 Cookie，页面也不加载其他网站的任何内容。',
    'tongban uses only the cookies needed to keep you signed in and to remember the page language. No advertising or tracking cookies, and the pages load nothing from other sites.',
  ],
  'privacy.contact.title': ['联系我们', 'Contact'],
  'privacy.contact.body': [
    '对个人信息的处理有疑问或投诉，请拨打 12345 政务服务便民热线。',
    'For questions or complaints about how your personal information is handled, call the 12345 government service hotline.',
  ],
} satisfies Record<string, readonly [string, string]>;
