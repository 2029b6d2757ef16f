package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
	"unicode"
)

// maxLine is where header lines are folded (RFC 5322 2.1.1 recommends 78).
const maxLine = 76

// envelope is a composed message ready for SMTP: the envelope addresses and the
// RFC 5322 bytes with CRLF line endings.
type envelope struct {
	from string
	to   string
	data []byte
}

// compose checks m and renders it as a MIME message from the given sender.
// Nothing in m can add a header: values with line breaks are refused.
func compose(from *mail.Address, m Message, now time.Time) (envelope, error) {
	to, err := checkMessage(m)
	if err != nil {
		return envelope{}, err
	}
	id, err := messageID(from.Address)
	if err != nil {
		return envelope{}, err
	}
	var buf bytes.Buffer
	writeHeader(&buf, "From", formatAddress(from))
	writeHeader(&buf, "To", formatAddress(to))
	writeHeader(&buf, "Subject", encodeText(m.Subject))
	writeHeader(&buf, "Date", now.Format(time.RFC1123Z))
	writeHeader(&buf, "Message-ID", id)
	writeHeader(&buf, "MIME-Version", "1.0")
	writeHeader(&buf, "Auto-Submitted", "auto-generated")
	if m.HTML == "" {
		err = writeSinglePart(&buf, m.Text)
	} else {
		err = writeAlternative(&buf, m.Text, m.HTML)
	}
	if err != nil {
		return envelope{}, err
	}
	return envelope{from: from.Address, to: to.Address, data: buf.Bytes()}, nil
}

// checkMessage validates the header values of m and returns its recipient.
func checkMessage(m Message) (*mail.Address, error) {
	for _, f := range []struct{ name, value string }{
		{"To", m.To}, {"ToName", m.ToName}, {"Subject", m.Subject},
	} {
		if err := checkHeaderValue(f.value); err != nil {
			return nil, fmt.Errorf("mail: %s: %w", f.name, err)
		}
	}
	if strings.TrimSpace(m.Subject) == "" || strings.TrimSpace(m.Text) == "" {
		return nil, fmt.Errorf("%w: subject and text are required", ErrInvalidMessage)
	}
	to, err := parseBareAddress(m.To)
	if err != nil {
		return nil, err
	}
	to.Name = m.ToName
	return to, nil
}

// checkHeaderValue refuses CR, LF and the other control characters except tab.
func checkHeaderValue(v string) error {
	for _, r := range v {
		if (r < 0x20 && r != '\t') || r == 0x7f {
			return ErrHeaderValue
		}
	}
	return nil
}

// parseBareAddress accepts only a plain address such as "asa@example.se",
// without a display name or comments.
func parseBareAddress(s string) (*mail.Address, error) {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != strings.TrimSpace(s) {
		return nil, fmt.Errorf("%w: recipient %q is not a plain e-mail address", ErrInvalidMessage, s)
	}
	return a, nil
}

// ParseFrom parses the sender address given with --mail-from, such as
// "portvakt <portvakt@example.se>".
func ParseFrom(s string) (*mail.Address, error) {
	if err := checkHeaderValue(s); err != nil {
		return nil, fmt.Errorf("mail: from address: %w", err)
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return nil, fmt.Errorf("mail: from address %q: %w", s, err)
	}
	return a, nil
}

// formatAddress renders "Name <address>". Names that are not plain ASCII
// become RFC 2047 encoded words, short enough to fold.
func formatAddress(a *mail.Address) string {
	if a.Name == "" || isPrintableASCII(a.Name) {
		return a.String()
	}
	return encodeText(a.Name) + " <" + a.Address + ">"
}

// encodeText returns s unchanged when it is printable ASCII, and otherwise as
// RFC 2047 "Q" encoded words of at most 57 characters each, separated by
// spaces so that writeHeader can fold between them. Each word ends on a whole
// UTF-8 character.
func encodeText(s string) string {
	if isPrintableASCII(s) && !strings.Contains(s, "=?") {
		return s
	}
	const prefix, suffix, maxPayload = "=?utf-8?q?", "?=", 45
	var words []string
	var word strings.Builder
	for _, r := range s {
		enc := qEncodeRune(r)
		if word.Len()+len(enc) > maxPayload {
			words = append(words, prefix+word.String()+suffix)
			word.Reset()
		}
		word.WriteString(enc)
	}
	words = append(words, prefix+word.String()+suffix)
	return strings.Join(words, " ")
}

// qEncodeRune encodes one character for an encoded word in a phrase or in
// unstructured text (RFC 2047 5(3): letters, digits and !*+-/ stay as they are).
func qEncodeRune(r rune) string {
	switch {
	case r == ' ':
		return "_"
	case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("!*+-/", r)):
		return string(r)
	}
	var b strings.Builder
	for _, c := range []byte(string(r)) {
		fmt.Fprintf(&b, "=%02X", c)
	}
	return b.String()
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// messageID returns a unique Message-ID in the sender's domain.
func messageID(fromAddr string) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("mail: message id: %w", err)
	}
	domain := fromAddr[strings.LastIndex(fromAddr, "@")+1:]
	return "<" + hex.EncodeToString(b) + "@" + domain + ">", nil
}

// writeHeader writes one header field, folded at spaces so that lines stay
// short. Encoded words from mime.QEncoding are separated by spaces, so they
// fold too.
func writeHeader(buf *bytes.Buffer, name, value string) {
	line, words := name+":", 0
	for _, word := range strings.Split(value, " ") {
		if words > 0 && len(line)+1+len(word) > maxLine {
			buf.WriteString(line + "\r\n")
			line, words = "", 0
		}
		line += " " + word
		words++
	}
	buf.WriteString(line + "\r\n")
}

// writeSinglePart writes the body of a text-only message.
func writeSinglePart(buf *bytes.Buffer, text string) error {
	writeHeader(buf, "Content-Type", "text/plain; charset=utf-8")
	writeHeader(buf, "Content-Transfer-Encoding", "quoted-printable")
	buf.WriteString("\r\n")
	return writeQP(buf, text)
}

// writeAlternative writes a multipart/alternative body: text first, then HTML,
// so that mail programs prefer the HTML part when they can show it.
func writeAlternative(buf *bytes.Buffer, text, html string) error {
	mw := multipart.NewWriter(buf)
	writeHeader(buf, "Content-Type", mime.FormatMediaType("multipart/alternative",
		map[string]string{"boundary": mw.Boundary()}))
	buf.WriteString("\r\n")
	for _, p := range []struct{ typ, body string }{{"text/plain", text}, {"text/html", html}} {
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {p.typ + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return fmt.Errorf("mail: create %s part: %w", p.typ, err)
		}
		if err := writeQP(w, p.body); err != nil {
			return err
		}
	}
	if err := mw.Close(); err != nil {
		return fmt.Errorf("mail: close multipart body: %w", err)
	}
	return nil
}

// writeQP writes s quoted-printable encoded, with CRLF line endings.
func writeQP(w io.Writer, s string) error {
	qp := quotedprintable.NewWriter(w)
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if _, err := qp.Write([]byte(s)); err != nil {
		return fmt.Errorf("mail: encode body: %w", err)
	}
	if err := qp.Close(); err != nil {
		return fmt.Errorf("mail: encode body: %w", err)
	}
	return nil
}
