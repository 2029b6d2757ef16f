package views

import (
	"context"
	"fmt"
	"strings"
)

// RenderVerificationMail returns the subject, the plain text and the HTML of the mail that asks a
// person to confirm their e-mail address, in language l.
func RenderVerificationMail(ctx context.Context, l Lang, v VerificationMailView) (subject, text, html string, err error) {
	var buf strings.Builder
	if err := verificationMailHTML(l, v).Render(ctx, &buf); err != nil {
		return "", "", "", fmt.Errorf("views: render verification mail: %w", err)
	}
	text = strings.Join([]string{
		l.T("mail.greeting", v.Name),
		l.T("mail.verify.intro", v.sender(), v.Email),
		v.Link,
		l.T("mail.verify.expiry", v.expires()),
		l.T("mail.verify.ignore"),
	}, "\n\n") + "\n"
	return l.T("mail.verify.subject"), text, buf.String(), nil
}

// expires is when the link stops working, with the time zone, since the reader may be elsewhere.
func (v VerificationMailView) expires() string {
	return v.Expires.Local().Format("2006-01-02 15:04 MST")
}

// RenderIdPChangeMail returns the subject, the plain text and the HTML of the mail that tells an
// administrator that a provider's issuer or client ID changed, in language l.
func RenderIdPChangeMail(ctx context.Context, l Lang, v IdPChangeMailView) (subject, text, html string, err error) {
	var buf strings.Builder
	if err := idpChangeMailHTML(l, v).Render(ctx, &buf); err != nil {
		return "", "", "", fmt.Errorf("views: render provider change mail: %w", err)
	}
	parts := []string{l.T("mail.greeting", v.Name), l.T("mail.idpchange.intro", v.By, v.Provider), strings.Join(v.lines(l), "\n"),
		l.T("mail.idpchange.check"), v.Link}
	return l.T("mail.idpchange.subject", v.Provider), strings.Join(parts, "\n\n") + "\n", buf.String(), nil
}
