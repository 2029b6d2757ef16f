// Package mail builds and sends portvakt's outgoing e-mail: verification
// links and other notices to people. A Sender delivers one Message; the SMTP
// implementation talks to the mail server named by the --smtp URL.
package mail

import (
	"context"
	"errors"
	"fmt"
)

// Message is one e-mail to one person. Text and HTML carry the same content;
// the recipient's mail program shows the one it prefers.
type Message struct {
	// To is the recipient's bare address, such as "asa@example.se".
	To string
	// ToName is the recipient's display name; it may be empty.
	ToName string
	// Subject is the subject line, in the recipient's language.
	Subject string
	// Text is the plain-text body.
	Text string
	// HTML is the HTML body; when empty, the mail has only the text part.
	HTML string
}

// Sender delivers messages. Send returns only when the receiving server has
// accepted the message, or with an error saying why it did not.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// ErrHeaderValue reports a header value that cannot be sent as it is: a line
// break or another control character in it would let the value add headers of
// its own.
var ErrHeaderValue = errors.New("mail: control character in header value")

// ErrInvalidMessage reports a message that is missing a required part or has a
// malformed address.
var ErrInvalidMessage = errors.New("mail: invalid message")

// ErrInsecureAuth reports a configuration or a server that would make portvakt
// send the SMTP password over an unencrypted connection.
var ErrInsecureAuth = errors.New("mail: refusing to send credentials without TLS")

// ServerError is a refusal from the mail server: the SMTP reply code, the
// enhanced status code when the server sent one, and the server's own words.
type ServerError struct {
	// Stage is the step the server refused: "MAIL FROM", "RCPT TO", "DATA", ...
	Stage string
	// Code is the three-digit SMTP reply code, such as 550.
	Code int
	// Enhanced is the RFC 3463 status code such as "5.1.1", or empty.
	Enhanced string
	// Message is the server's reply text.
	Message string
}

// Error describes the refusal in one line, with the server's code and text.
func (e *ServerError) Error() string {
	code := fmt.Sprint(e.Code)
	if e.Enhanced != "" {
		code += " " + e.Enhanced
	}
	return fmt.Sprintf("mail: server refused %s: %s %s", e.Stage, code, e.Message)
}

// Temporary reports whether the server asked to try again later (a 4xx reply).
func (e *ServerError) Temporary() bool {
	return e.Code/100 == 4
}
