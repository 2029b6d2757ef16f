package oidcrp

import (
	"errors"
	"fmt"
	"net/url"
	"syscall"
	"testing"
)

// TestExchangeFailureTellsUnreachableFromNoToken: a token request that never got an answer is
// "unreachable"; one answered 2xx with something that is not a token response (an HTML page
// from a proxy) is a malformed response, not a provider that could not be reached.
func TestExchangeFailureTellsUnreachableFromNoToken(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		err  error
		want Kind
	}{
		{&url.Error{Op: "Post", URL: "http://127.0.0.1:1/token", Err: syscall.ECONNREFUSED}, KindUnreachable},
		{&url.Error{Op: "Post", URL: "http://127.0.0.1:1/token", Err: errors.New(`malformed HTTP response "\x15\x03"`)}, KindUnreachable},
		{errors.New("oauth2: server response missing access_token"), KindMalformedResponse},
		{fmt.Errorf("oauth2: cannot parse json: %v", errors.New("invalid character '<'")), KindMalformedResponse},
		{fmt.Errorf("oauth2: cannot fetch token: %v", ErrResponseTooLarge), KindUnreachable},
	} {
		if got := exchangeFailure(tt.err); got.Kind != tt.want {
			t.Errorf("%v: kind %s, want %s", tt.err, got.Kind, tt.want)
		}
	}
}
