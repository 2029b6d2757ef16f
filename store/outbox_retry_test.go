package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"portvakt/store"
	"portvakt/store/storetest"
)

// TestMailRetryBackoffGrows: a mail whose attempts fail is due again one minute after the first
// failure, then after twice as long each time, never more than an hour apart, and no longer after
// MailMaxAttempts attempts; the outbox shows when the next attempt comes.
func TestMailRetryBackoffGrows(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	ctx := context.Background()
	now := time.Unix(1_800_000_000, 0)
	storetest.SetClock(t, st, func() time.Time { return now })
	_, id, err := st.CreateUserWithVerification(ctx, cliActor, store.NewUser{Email: "mia@example.se", Name: "Mia"}, "sv", verificationFor("mia@example.se"))
	if err != nil {
		t.Fatal(err)
	}
	if due, err := st.DueMail(ctx, 10); err != nil || len(due) != 0 {
		t.Fatalf("a mail never tried is due: %v, %v", due, err)
	}
	var delays []time.Duration
	for attempt := 1; ; attempt++ {
		if _, err := st.ClaimMail(ctx, id); err != nil {
			t.Fatalf("attempt %d: %v", attempt, err)
		}
		if err := st.FinishMail(ctx, cliActor, id, "dial tcp 127.0.0.1:25: connect: connection refused"); err != nil {
			t.Fatal(err)
		}
		failedAt := now
		m, err := st.MailByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if attempt == store.MailMaxAttempts {
			now = now.Add(48 * time.Hour)
			if due, _ := st.DueMail(ctx, 10); len(due) != 0 || !m.NextAttemptAt.IsZero() {
				t.Errorf("after %d attempts: due %v, next attempt %s; want no more automatic attempts", attempt, due, m.NextAttemptAt)
			}
			break
		}
		delay := m.NextAttemptAt.Sub(failedAt)
		delays = append(delays, delay)
		now = failedAt.Add(delay - time.Second)
		if due, _ := st.DueMail(ctx, 10); len(due) != 0 {
			t.Fatalf("attempt %d: due %s before the next attempt the outbox shows", attempt, delay-time.Second)
		}
		now = failedAt.Add(delay)
		if due, _ := st.DueMail(ctx, 10); !slices.Equal(due, []int64{id}) {
			t.Fatalf("attempt %d: not due %s after it failed, when the outbox said it would be", attempt, delay)
		}
	}
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 32 * time.Minute, time.Hour}
	if !slices.Equal(delays, want) {
		t.Errorf("delays between attempts = %v, want %v", delays, want)
	}
}

// TestMailRetryStopsForOldMail: a failed mail older than a verification link's life is left
// for an administrator, and a sent one is never due.
func TestMailRetryStopsForOldMail(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	ctx := context.Background()
	now := time.Unix(1_800_000_000, 0)
	storetest.SetClock(t, st, func() time.Time { return now })
	var ids []int64
	for _, email := range []string{"old@example.se", "sent@example.se"} {
		_, id, err := st.CreateUserWithVerification(ctx, cliActor, store.NewUser{Email: email, Name: "X"}, "sv", verificationFor(email))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	for i, id := range ids {
		if _, err := st.ClaimMail(ctx, id); err != nil {
			t.Fatal(err)
		}
		if err := st.FinishMail(ctx, cliActor, id, map[int]string{0: "refused", 1: ""}[i]); err != nil {
			t.Fatal(err)
		}
	}
	now = now.Add(store.VerificationTTL + time.Minute)
	if due, err := st.DueMail(ctx, 10); err != nil || len(due) != 0 {
		t.Errorf("due = %v, %v; want none", due, err)
	}
	if m, _ := st.MailByID(ctx, ids[0]); !m.NextAttemptAt.IsZero() {
		t.Errorf("an old failed mail shows a next attempt at %s", m.NextAttemptAt)
	}
}
