package account

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// argonCost is what a new argon2id hash costs. Verify reads the cost from each hash, so hashes
// made at another cost keep working.
type argonCost struct {
	memory  uint32 // KiB
	time    uint32 // passes
	threads uint8
}

// productionCost is OWASP's recommended minimum for argon2id (19 MiB, 2 passes, 1 lane).
var productionCost = argonCost{memory: 19 * 1024, time: 2, threads: 1}

const argonKeyLen = 32

// PasswordHasher hashes and checks passwords with argon2id. It bounds how many hashes run at
// once, so a burst of sign-ins cannot exhaust memory (each takes 19 MiB).
type PasswordHasher struct {
	slots chan struct{}
	cost  argonCost
}

// maxHashesAtOnce bounds the default number of hashes at once, whatever the number of CPUs:
// each holds 19 MiB, and with the garbage collector's slack 200 password attempts at once peaked
// at 140 MB RSS with 2 at once, 206 MB with 4, 378 MB with 8 and 773 MB with 16
// (portvakt-load -memory). Four at once still check some 40 passwords a second.
const maxHashesAtOnce = 4

// defaultHashesAtOnce is one hash per CPU, at most maxHashesAtOnce.
func defaultHashesAtOnce(cpus int) int { return max(1, min(cpus, maxHashesAtOnce)) }

// NewPasswordHasher allows n hashes at once; n <= 0 means one per CPU, at most four.
func NewPasswordHasher(n int) *PasswordHasher {
	if n <= 0 {
		n = defaultHashesAtOnce(runtime.NumCPU())
	}
	return &PasswordHasher{slots: make(chan struct{}, n), cost: productionCost}
}

// CheapPasswordHasherForTests makes hashes at argon2's smallest cost (8 KiB, one pass), which
// protect nothing: for tests only, which create users and sign in thousands of times. It is the
// one way to lower the cost, through Config.PasswordHasher; production never sets it.
func CheapPasswordHasherForTests() *PasswordHasher {
	return &PasswordHasher{slots: make(chan struct{}, runtime.NumCPU()), cost: argonCost{memory: 8, time: 1, threads: 1}}
}

// Hash returns an encoded argon2id hash of password with a fresh salt.
func (h *PasswordHasher) Hash(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: salt: %w", err)
	}
	h.slots <- struct{}{}
	c := h.cost
	key := argon2.IDKey([]byte(password), salt, c.time, c.memory, c.threads, argonKeyLen)
	<-h.slots
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, c.memory, c.time, c.threads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// Unmatchable returns a hash at the hasher's cost that no password matches (its key is all
// zeros, which argon2 gives for no password but with negligible chance), for checking a password
// against when there is no account, in the time a real check takes. It costs nothing to make:
// hashing a password for it at start would hold argon2's memory in an idle process.
func (h *PasswordHasher) Unmatchable() string {
	c := h.cost
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, c.memory, c.time, c.threads,
		enc.EncodeToString([]byte("portvakt-no-user")), enc.EncodeToString(make([]byte, argonKeyLen)))
}

// Verify reports whether password matches the encoded hash.
func (h *PasswordHasher) Verify(encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errors.New("password: not an argon2id hash")
	}
	var version int
	var mem, t uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errors.New("password: unsupported argon2 version")
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &t, &threads); err != nil {
		return false, fmt.Errorf("password: parameters: %w", err)
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(parts[4])
	if err != nil {
		return false, fmt.Errorf("password: salt: %w", err)
	}
	want, err := enc.DecodeString(parts[5])
	if err != nil {
		return false, fmt.Errorf("password: hash: %w", err)
	}
	h.slots <- struct{}{}
	got := argon2.IDKey([]byte(password), salt, t, mem, threads, uint32(len(want)))
	<-h.slots
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// PasswordProblem is what is wrong with a new password; "" is nothing.
type PasswordProblem string

// The problems a new password can have.
const (
	PasswordShort  PasswordProblem = "short"
	PasswordLong   PasswordProblem = "long"
	PasswordEmail  PasswordProblem = "email"  // the password is the e-mail address
	PasswordCommon PasswordProblem = "common" // among the most used passwords
)

// PasswordProblems lists every problem, for the texts that explain them.
var PasswordProblems = []PasswordProblem{PasswordShort, PasswordLong, PasswordEmail, PasswordCommon}

// CheckPassword returns what is wrong with password as the new password of the person with
// e-mail email, or "".
func CheckPassword(password, email string) PasswordProblem {
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinPassword:
		return PasswordShort
	case n > MaxPassword:
		return PasswordLong
	case strings.EqualFold(password, email):
		return PasswordEmail
	case commonPasswords[strings.ToLower(password)]:
		return PasswordCommon
	}
	return ""
}

// commonPasswords are among the most used passwords, in Sweden and elsewhere; all are at least
// eight characters, since shorter ones are refused anyway.
var commonPasswords = map[string]bool{}

func init() {
	for _, p := range strings.Fields(`12345678 123456789 1234567890 12345678910 87654321 11111111 00000000
		password password1 password12 password123 passw0rd p@ssw0rd p@ssword qwertyui qwerty123 qwertyuiop
		1q2w3e4r 1q2w3e4r5t 1qaz2wsx zaq12wsx abcd1234 abc12345 iloveyou sunshine princess football
		baseball welcome1 welcome123 letmein1 trustno1 superman batman123 starwars dragon123 monkey123
		computer internet admin123 administrator changeme sommar2024 sommar2025 sommar2026 vinter2025
		vinter2026 lösenord losenord lösenord1 losenord1 hemligt1 sverige1 stockholm göteborg goteborg
		malmö123 hejhej123 qwertyasdf asdfghjk zxcvbnm1 portvakt portvakt1 summer2025 winter2025
		summer2026 winter2026 secret123 master123 shadow12 michael1 jennifer 987654321 123123123
		qwerty12345 1234qwer azerty123 aa123456 a1234567 abcdefgh`) {
		commonPasswords[p] = true
	}
}
