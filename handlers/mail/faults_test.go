package mail_test

import (
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"portvakt/handlers/mail"
)

// TestSendFailsAtOnceWhenServerIsDownOrAnswersGarbage: a mail server that refuses the connection,
// or answers with something that is not SMTP (a web server on the mail port), fails the send
// at once with an error that says so, well within the timeout.
func TestSendFailsAtOnceWhenServerIsDownOrAnswersGarbage(t *testing.T) {
	t.Parallel()
	down := func(t *testing.T) string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		return addr
	}
	garbage := func(t *testing.T) string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		wg.Go(func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				_, _ = c.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"))
				c.Close()
			}
		})
		t.Cleanup(func() { l.Close(); wg.Wait() })
		return l.Addr().String()
	}
	for _, tt := range []struct {
		name   string
		server func(t *testing.T) string
		says   string
	}{
		{"down", down, "refused"},
		{"answers HTTP", garbage, "HTTP/1.1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := mail.NewSMTPSender("smtp://"+tt.server(t)+"?starttls=false", testFrom, mail.WithTimeout(5*time.Second))
			if err != nil {
				t.Fatal(err)
			}
			began := time.Now()
			err = s.Send(t.Context(), simpleMessage())
			if err == nil || !strings.Contains(err.Error(), tt.says) {
				t.Errorf("Send error = %v, want one saying %q", err, tt.says)
			}
			if d := time.Since(began); d > 2*time.Second {
				t.Errorf("Send took %s, want it to fail at once", d)
			}
		})
	}
}
