package views

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Commit-confirmed password OFF (DESIGN.md, flow 14): the countdown banner every page shows to
// people with Authentication Settings access while a switch-off waits for its confirmation,
// the Confirm panel on the Policies page, and the mail to the switcher when it ran out.

// ConfirmBanner is the countdown while password sign-in is off and unconfirmed.
type ConfirmBanner struct {
	At       string // the deadline's time of day, e.g. "14:32"
	In       string // how long is left when the page was made, e.g. "in 9 minutes"
	Deadline int64  // Unix seconds, for the script that keeps In up to date
}

// NewConfirmBanner words the countdown to deadline, as seen at now.
func NewConfirmBanner(l Lang, deadline, now time.Time) *ConfirmBanner {
	return &ConfirmBanner{At: deadline.Local().Format("15:04"), In: l.Until(deadline.Sub(now)), Deadline: deadline.Unix()}
}

// Until words a time left: "in 9 minutes", "in 40 seconds". Minutes are rounded up, so that the
// countdown never promises less time than is left.
func (l Lang) Until(d time.Duration) string {
	switch {
	case d <= 0:
		return l.T("confirm.in.now")
	case d < time.Minute:
		return l.T("confirm.in.seconds", int((d+time.Second-1)/time.Second))
	case d <= time.Minute:
		return l.T("confirm.in.minute")
	}
	return l.T("confirm.in.minutes", int((d+time.Minute-1)/time.Minute))
}

// Duration words a window's length: "10 minutes", "2 hours", "90 seconds".
func (l Lang) Duration(d time.Duration) string {
	switch {
	case d == time.Hour:
		return l.T("confirm.duration.hour")
	case d > time.Hour && d%time.Hour == 0:
		return l.T("confirm.duration.hours", int(d/time.Hour))
	case d == time.Minute:
		return l.T("confirm.duration.minute")
	case d >= time.Minute && d%time.Minute == 0:
		return l.T("confirm.duration.minutes", int(d/time.Minute))
	}
	return l.T("confirm.duration.seconds", int(d/time.Second))
}

// PolicyWindow is the Confirm panel of the Policies page while a switch-off waits.
type PolicyWindow struct {
	SwitchedBy string
	SwitchedAt string
	Banner     ConfirmBanner
	Ready      string // why this person's sign-in may confirm, or ""
	NotReady   string // why it may not (the button is still there; the server decides)
}

// RevertedMailView is what the mail to the switcher says when password sign-in came back on.
type RevertedMailView struct {
	Name       string
	SwitchedAt time.Time
	RevertedAt time.Time
	Length     time.Duration
	Link       string // the Policies page
}

func mailTime(t time.Time) string { return t.Local().Format("2006-01-02 15:04 MST") }

// RenderRevertedMail returns the subject, the plain text and the HTML of the mail that tells
// the person who switched passwords off that nobody confirmed it in time.
func RenderRevertedMail(ctx context.Context, l Lang, v RevertedMailView) (subject, text, html string, err error) {
	var buf strings.Builder
	if err := revertedMailHTML(l, v).Render(ctx, &buf); err != nil {
		return "", "", "", fmt.Errorf("views: render reverted mail: %w", err)
	}
	text = strings.Join([]string{
		l.T("mail.greeting", v.Name),
		v.body(l),
		l.T("mail.reverted.next"),
		v.Link,
	}, "\n\n") + "\n"
	return l.T("mail.reverted.subject"), text, buf.String(), nil
}

func (v RevertedMailView) body(l Lang) string {
	return l.T("mail.reverted.body", mailTime(v.SwitchedAt), l.Duration(v.Length), mailTime(v.RevertedAt))
}
