package handlers

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// Lifetimes of API tokens: a year unless told otherwise, at most two; "never" only when asked
// for in so many words.
const (
	DefaultTokenLifetime = 365 * 24 * time.Hour
	MaxTokenLifetime     = 730 * 24 * time.Hour
	minTokenLifetime     = 24 * time.Hour
)

// ErrTokenLifetime is a lifetime that is not understood or out of bounds.
var ErrTokenLifetime = errors.New("the expiry must be a number of days from 1 to 730 (e.g. 365d), or never")

// ParseTokenLifetime reads an API token's lifetime: "365d", "90" (days), "never", or "" for the
// default. never reports a token without expiry.
func ParseTokenLifetime(s string) (life time.Duration, never bool, err error) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "":
		return DefaultTokenLifetime, false, nil
	case "never":
		return 0, true, nil
	}
	days, err := strconv.Atoi(strings.TrimSuffix(s, "d"))
	if err != nil || days < 1 {
		return 0, false, ErrTokenLifetime
	}
	life = time.Duration(days) * 24 * time.Hour
	if life < minTokenLifetime || life > MaxTokenLifetime {
		return 0, false, ErrTokenLifetime
	}
	return life, false, nil
}

// MaxTokenName bounds the name of an API token.
const MaxTokenName = 100
