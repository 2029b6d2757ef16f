package smtptest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
)

// Message is one message the server accepted, with its envelope and the
// decoded headers and parts.
type Message struct {
	// From and To are the envelope addresses (MAIL FROM, RCPT TO).
	From string
	To   []string
	// TLS tells whether the message came over an encrypted connection.
	TLS bool
	// AuthUser is the user name the client authenticated as, or empty.
	AuthUser string
	// Raw is the message data exactly as received.
	Raw []byte
	// Header holds the top-level header fields, undecoded.
	Header mail.Header
	// Subject is the decoded Subject header.
	Subject string
	// Parts are the leaf MIME parts, decoded, in order.
	Parts []Part
	// Text and HTML are the decoded bodies of the first text/plain and
	// text/html parts.
	Text, HTML string
	// ParseErr is set when the message is not well-formed MIME.
	ParseErr error
}

// Part is one decoded MIME part.
type Part struct {
	// Header is the part's own header, as sent.
	Header textproto.MIMEHeader
	// MediaType is the lower-cased type, such as "text/plain".
	MediaType string
	// Charset is the charset parameter, lower-cased.
	Charset string
	// Body is the part's content after its transfer encoding is undone.
	Body string
}

// parse decodes raw as far as it can; what went wrong is kept in ParseErr.
func parse(raw []byte) Message {
	m := Message{Raw: raw}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		m.ParseErr = fmt.Errorf("smtptest: read message: %w", err)
		return m
	}
	m.Header = msg.Header
	m.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err == nil {
		m.Parts, err = parseBody(textproto.MIMEHeader(msg.Header), msg.Body)
	}
	m.ParseErr = err
	for _, p := range m.Parts {
		if p.MediaType == "text/plain" && m.Text == "" {
			m.Text = p.Body
		}
		if p.MediaType == "text/html" && m.HTML == "" {
			m.HTML = p.Body
		}
	}
	return m
}

// parseBody returns the leaf parts of a body, descending into multiparts.
func parseBody(h textproto.MIMEHeader, body io.Reader) ([]Part, error) {
	mediaType, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		return nil, fmt.Errorf("smtptest: content type %q: %w", h.Get("Content-Type"), err)
	}
	if !strings.HasPrefix(mediaType, "multipart/") {
		data, err := decodeTransfer(h.Get("Content-Transfer-Encoding"), body)
		if err != nil {
			return nil, err
		}
		return []Part{{Header: h, MediaType: mediaType, Charset: strings.ToLower(params["charset"]), Body: string(data)}}, nil
	}
	var parts []Part
	mr := multipart.NewReader(body, params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			return parts, nil
		}
		if err != nil {
			return parts, fmt.Errorf("smtptest: multipart: %w", err)
		}
		leaves, err := parseBody(p.Header, p)
		if err != nil {
			return parts, err
		}
		parts = append(parts, leaves...)
	}
}

// decodeTransfer undoes a Content-Transfer-Encoding.
func decodeTransfer(encoding string, r io.Reader) ([]byte, error) {
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, r)
	case "", "7bit", "8bit", "binary":
	default:
		return nil, fmt.Errorf("smtptest: unknown transfer encoding %q", encoding)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("smtptest: decode %s: %w", encoding, err)
	}
	return data, nil
}
