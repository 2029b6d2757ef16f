package mail_test

import (
	"bytes"
	"errors"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	portmail "portvakt/handlers/mail"
	"portvakt/handlers/mail/smtptest"
)

func TestSendEncodesSwedishHeadersAndParts(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	fixed := time.Date(2026, 11, 29, 10, 30, 0, 0, time.FixedZone("CET", 3600))
	s := newSender(t, srv, portmail.WithClock(func() time.Time { return fixed }))
	msg := portmail.Message{
		To:      "asa.oberg@example.se",
		ToName:  "Åsa Öberg, HR",
		Subject: "Bekräfta din e-postadress för portvakt – länken gäller i 24 timmar och kan bara användas en gång",
		Text:    "Hej Åsa,\n\nÖppna länken för att bekräfta: https://portvakt.example.se/verify/abc\n\nRäksmörgås = 100 %.\n",
		HTML:    `<p>Hej Åsa,</p><p><a href="https://portvakt.example.se/verify/abc">Bekräfta e-postadressen</a></p>`,
	}
	if err := s.Send(t.Context(), msg); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := srv.Next(t)
	if got.ParseErr != nil {
		t.Fatalf("received message does not parse: %v\n%s", got.ParseErr, got.Raw)
	}
	if got.Subject != msg.Subject {
		t.Errorf("Subject = %q, want %q", got.Subject, msg.Subject)
	}
	if want := strings.ReplaceAll(msg.Text, "\n", "\r\n"); got.Text != want {
		t.Errorf("Text = %q, want %q", got.Text, want)
	}
	if got.HTML != msg.HTML {
		t.Errorf("HTML = %q, want %q", got.HTML, msg.HTML)
	}
	checkAddress(t, got.Header, "To", msg.ToName, msg.To)
	checkAddress(t, got.Header, "From", "portvakt", "portvakt@example.se")
	checkTopHeaders(t, got.Header, fixed)
	checkParts(t, got.Parts)
	checkRawIsShortASCII(t, got.Raw)
}

func checkAddress(t *testing.T, h mail.Header, field, wantName, wantAddr string) {
	t.Helper()
	list, err := h.AddressList(field)
	if err != nil || len(list) != 1 {
		t.Fatalf("%s header %q: %v (%d addresses)", field, h.Get(field), err, len(list))
	}
	if list[0].Name != wantName || list[0].Address != wantAddr {
		t.Errorf("%s = %q <%s>, want %q <%s>", field, list[0].Name, list[0].Address, wantName, wantAddr)
	}
}

func checkTopHeaders(t *testing.T, h mail.Header, wantDate time.Time) {
	t.Helper()
	date, err := h.Date()
	if err != nil || !date.Equal(wantDate) {
		t.Errorf("Date = %q (%v), want %v", h.Get("Date"), err, wantDate)
	}
	if got := h.Get("MIME-Version"); got != "1.0" {
		t.Errorf("MIME-Version = %q, want 1.0", got)
	}
	if got := h.Get("Message-Id"); !regexp.MustCompile(`^<[0-9a-f]{32}@example\.se>$`).MatchString(got) {
		t.Errorf("Message-ID = %q, want <32 hex digits@example.se>", got)
	}
	if got := h.Get("Content-Type"); !strings.HasPrefix(got, "multipart/alternative;") {
		t.Errorf("Content-Type = %q, want multipart/alternative", got)
	}
}

func checkParts(t *testing.T, parts []smtptest.Part) {
	t.Helper()
	want := []string{"text/plain", "text/html"}
	if len(parts) != len(want) {
		t.Fatalf("got %d parts, want %d", len(parts), len(want))
	}
	for i, p := range parts {
		if p.MediaType != want[i] || p.Charset != "utf-8" {
			t.Errorf("part %d = %s; charset=%s, want %s; charset=utf-8", i, p.MediaType, p.Charset, want[i])
		}
		if got := p.Header.Get("Content-Transfer-Encoding"); got != "quoted-printable" {
			t.Errorf("part %d Content-Transfer-Encoding = %q, want quoted-printable", i, got)
		}
	}
}

func checkRawIsShortASCII(t *testing.T, raw []byte) {
	t.Helper()
	for i, line := range bytes.Split(raw, []byte("\r\n")) {
		if len(line) > 78 {
			t.Errorf("line %d is %d bytes long, want at most 78: %q", i+1, len(line), line)
		}
		for _, b := range line {
			if b >= 0x80 || b == '\n' || b == '\r' {
				t.Fatalf("line %d has byte %#x, want 7-bit text with CRLF line ends: %q", i+1, b, line)
			}
		}
	}
}

func TestSendWithoutHTMLHasOnlyTextPart(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	msg := simpleMessage()
	msg.HTML = ""
	if err := newSender(t, srv).Send(t.Context(), msg); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := srv.Next(t)
	if len(got.Parts) != 1 || got.Parts[0].MediaType != "text/plain" || strings.TrimRight(got.Text, "\r\n") != msg.Text {
		t.Errorf("parts = %+v, want one text/plain part %q", got.Parts, msg.Text)
	}
}

func TestSendRefusesBadHeaderValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*portmail.Message)
		want error
	}{
		{"CRLF in subject", func(m *portmail.Message) { m.Subject = "Hi\r\nBcc: victim@example.com" }, portmail.ErrHeaderValue},
		{"LF in subject", func(m *portmail.Message) { m.Subject = "Hi\nBcc: victim@example.com" }, portmail.ErrHeaderValue},
		{"CR in display name", func(m *portmail.Message) { m.ToName = "Åsa\rBcc: victim@example.com" }, portmail.ErrHeaderValue},
		{"LF in recipient", func(m *portmail.Message) { m.To = "asa@example.se\nBcc: victim@example.com" }, portmail.ErrHeaderValue},
		{"NUL in subject", func(m *portmail.Message) { m.Subject = "Hi\x00" }, portmail.ErrHeaderValue},
		{"two recipients", func(m *portmail.Message) { m.To = "asa@example.se, victim@example.com" }, portmail.ErrInvalidMessage},
		{"display name in address", func(m *portmail.Message) { m.To = "Åsa <asa@example.se>" }, portmail.ErrInvalidMessage},
		{"no address", func(m *portmail.Message) { m.To = "" }, portmail.ErrInvalidMessage},
		{"no subject", func(m *portmail.Message) { m.Subject = " " }, portmail.ErrInvalidMessage},
		{"no text", func(m *portmail.Message) { m.Text = "" }, portmail.ErrInvalidMessage},
	}
	srv := smtptest.Start(t)
	s := newSender(t, srv)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := simpleMessage()
			tt.edit(&msg)
			if err := s.Send(t.Context(), msg); !errors.Is(err, tt.want) {
				t.Errorf("Send error = %v, want %v", err, tt.want)
			}
		})
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server received %d messages, want 0", n)
	}
}

func TestNewSMTPSenderChecksURLAndFrom(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, url, from string
		wantErr         bool
	}{
		{"STARTTLS with credentials", "smtp://u:p@mail.example.se:587", testFrom, false},
		{"smtps with default port", "smtps://u:p@mail.example.se", testFrom, false},
		{"relay without TLS or credentials", "smtp://mail.example.se:25?starttls=false", testFrom, false},
		{"bare from address", "smtp://mail.example.se", "portvakt@example.se", false},
		{"unknown scheme", "http://mail.example.se", testFrom, true},
		{"misspelt option", "smtp://mail.example.se?startls=false", testFrom, true},
		{"bad option value", "smtp://mail.example.se?starttls=nope", testFrom, true},
		{"starttls option on smtps", "smtps://mail.example.se?starttls=false", testFrom, true},
		{"no host", "smtp://", testFrom, true},
		{"path", "smtp://mail.example.se/x", testFrom, true},
		{"credentials without TLS", "smtp://u:p@mail.example.se?starttls=false", testFrom, true},
		{"no from", "smtp://mail.example.se", "", true},
		{"line break in from", "smtp://mail.example.se", "portvakt <a@example.se>\r\nBcc: x@example.com", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := portmail.NewSMTPSender(tt.url, tt.from)
			if got := err != nil; got != tt.wantErr {
				t.Errorf("NewSMTPSender(%q, %q) error = %v, want error %v", tt.url, tt.from, err, tt.wantErr)
			}
		})
	}
}
