package handlers

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"portvakt/handlers/mail"
	"portvakt/store"
)

// sendTimeout bounds one delivery attempt made while an administrator waits for the page.
const sendTimeout = 20 * time.Second

// errNoMailServer means the mail was kept in the outbox because no SMTP server is configured.
var errNoMailServer = errors.New("no mail server configured")

// mailer keeps every outgoing mail in the outbox first and then, when a mail server is
// configured, sends it at once. The body is sealed with a key from the key file because a
// verification mail holds a live link and the database must not give it away.
type mailer struct {
	sender mail.Sender // nil: mail stays in the outbox for administrators to read
	aead   cipher.AEAD
	store  *store.Store
	log    *slog.Logger
}

// mailBody is what the sealed body holds.
type mailBody struct {
	Text string `json:"text"`
	HTML string `json:"html"`
}

// newMailer derives the outbox key from the secrets key, so that the key is used for one purpose.
func newMailer(sender mail.Sender, secrets [32]byte, st *store.Store, log *slog.Logger) (*mailer, error) {
	mac := hmac.New(sha256.New, secrets[:])
	mac.Write([]byte("portvakt outbox v1"))
	block, err := aes.NewCipher(mac.Sum(nil))
	if err != nil {
		return nil, fmt.Errorf("handlers: outbox key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("handlers: outbox key: %w", err)
	}
	return &mailer{sender: sender, aead: aead, store: st, log: log}, nil
}

// seal encrypts a mail body for the outbox.
func (m *mailer) seal(text, html string) []byte {
	plain, _ := json.Marshal(mailBody{Text: text, HTML: html}) // strings always marshal
	nonce := make([]byte, m.aead.NonceSize())
	_, _ = rand.Read(nonce)
	return m.aead.Seal(nonce, nonce, plain, []byte("outbox"))
}

// open decrypts a body sealed by seal.
func (m *mailer) open(sealed []byte) (mailBody, error) {
	n := m.aead.NonceSize()
	if len(sealed) < n {
		return mailBody{}, fmt.Errorf("handlers: open mail body: too short")
	}
	plain, err := m.aead.Open(nil, sealed[:n], sealed[n:], []byte("outbox"))
	if err != nil {
		return mailBody{}, fmt.Errorf("handlers: open mail body: %w", err)
	}
	var b mailBody
	if err := json.Unmarshal(plain, &b); err != nil {
		return mailBody{}, fmt.Errorf("handlers: open mail body: %w", err)
	}
	return b, nil
}

// deliver sends the outbox mail id now. Without a mail server it logs that the mail waits in
// the outbox and returns errNoMailServer. A refusal by the server is recorded on the mail (and
// in the audit log) and returned, so the page can show it; the mail can be retried.
func (m *mailer) deliver(ctx context.Context, a store.Actor, id int64) error {
	if m.sender == nil {
		m.log.Info("mail: no SMTP server configured (--smtp); the mail is kept in the outbox", "mail_id", id)
		return errNoMailServer
	}
	// The attempt's outcome must be recorded even when the browser goes away.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
	defer cancel()
	return m.attempt(ctx, a, id)
}

// attempt claims the mail, sends it and records the outcome, all within ctx.
func (m *mailer) attempt(ctx context.Context, a store.Actor, id int64) error {
	msg, err := m.store.ClaimMail(ctx, id)
	if err != nil {
		return err
	}
	body, err := m.open(msg.Body)
	if err != nil {
		return errors.Join(err, m.store.FinishMail(ctx, a, id, "the stored message could not be read"))
	}
	sendErr := m.sender.Send(ctx, mail.Message{To: msg.To, ToName: msg.ToName, Subject: msg.Subject, Text: body.Text, HTML: body.HTML})
	errText := ""
	if sendErr != nil {
		errText = sendErr.Error()
		m.log.Warn("mail: send failed", "mail_id", id, "err", sendErr)
	}
	if err := m.store.FinishMail(ctx, a, id, errText); err != nil {
		return errors.Join(sendErr, err)
	}
	return sendErr
}
