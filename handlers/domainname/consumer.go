package domainname

import (
	"strings"

	"golang.org/x/net/publicsuffix"
)

// consumerDomains are registrable domains of public mail services, whose
// addresses belong to unrelated people. Verifying one would let a single
// organisation claim all of them.
var consumerDomains = map[string]bool{
	// International.
	"gmail.com": true, "googlemail.com": true,
	"outlook.com": true, "hotmail.com": true, "live.com": true, "msn.com": true,
	"passport.com": true,
	"yahoo.com":    true, "ymail.com": true, "rocketmail.com": true,
	"icloud.com": true, "me.com": true, "mac.com": true,
	"aol.com": true, "aim.com": true,
	"proton.me": true, "protonmail.com": true, "protonmail.ch": true, "pm.me": true,
	"mail.com": true, "email.com": true, "usa.com": true,
	"zoho.com": true, "zohomail.com": true, "zohomail.eu": true,
	"tutanota.com": true, "tutanota.de": true, "tutamail.com": true, "tuta.io": true,
	"tuta.com": true, "keemail.me": true,
	"fastmail.com": true, "fastmail.fm": true, "hey.com": true,
	"mail.ru": true, "inbox.ru": true, "list.ru": true, "bk.ru": true, "ya.ru": true,
	"qq.com": true, "163.com": true, "126.com": true, "sina.com": true,
	"naver.com": true, "hanmail.net": true,
	"web.de": true, "t-online.de": true, "freenet.de": true,
	"orange.fr": true, "free.fr": true, "laposte.net": true, "sfr.fr": true,
	"libero.it": true, "virgilio.it": true, "seznam.cz": true,
	"wp.pl": true, "o2.pl": true, "interia.pl": true, "onet.pl": true,
	"btinternet.com": true, "sky.com": true, "comcast.net": true,
	"verizon.net": true, "att.net": true, "sbcglobal.net": true,
	// Nordic.
	"hotmail.se": true, "live.se": true, "outlook.se": true, "yahoo.se": true,
	"msn.se": true, "telia.com": true, "telia.se": true, "comhem.se": true,
	"bredband.net": true, "bredband2.com": true, "spray.se": true,
	"passagen.se": true, "swipnet.se": true, "home.se": true, "bahnhof.se": true,
	"tele2.se": true, "glocalnet.net": true, "ownit.se": true,
	"live.dk": true, "hotmail.dk": true, "outlook.dk": true, "mail.dk": true,
	"jubii.dk": true, "live.no": true, "hotmail.no": true, "outlook.no": true,
	"online.no": true, "live.fi": true, "hotmail.fi": true, "outlook.fi": true,
	"luukku.com": true, "suomi24.fi": true,
	"live.co.uk": true, "live.de": true, "live.fr": true, "live.nl": true,
}

// consumerBrands are names that mail services use under many country
// domains (gmx.de, gmx.at, yandex.ru, yahoo.co.uk, hotmail.fr ...): a
// registrable domain whose first label is one of these is a consumer
// mail domain whatever its public suffix.
var consumerBrands = map[string]bool{
	"gmx": true, "yandex": true, "yahoo": true, "hotmail": true, "outlook": true,
}

// IsConsumerMail reports whether the normalised domain name, or the
// registrable domain it lies under, belongs to a public mail service such
// as gmail.com, outlook.com or gmx.de.
func IsConsumerMail(name string) bool {
	registrable, err := publicsuffix.EffectiveTLDPlusOne(name)
	if err != nil {
		return false
	}
	if consumerDomains[registrable] {
		return true
	}
	brand, _, _ := strings.Cut(registrable, ".")
	return consumerBrands[brand]
}
