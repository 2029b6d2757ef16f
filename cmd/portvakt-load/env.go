package main

import (
	"bufio"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/gorilla/securecookie"

	"portvakt/handlers"
	"portvakt/store"
)

// The seeded organisation: domain 0 is served by the in-process provider, domains 1 to
// ssoDomains-1 by the other providers, the rest by none (password sign-in).
const (
	seedDomains   = 100
	seedProviders = 10
	ssoDomains    = 50
	adminEmail    = "admin@d000.example.se"
)

// ssoEmail and passwordEmail are addresses on a domain with a provider and on one without.
func ssoEmail(n int) string      { return fmt.Sprintf("person%d@%s", n, domainName(0)) }
func passwordEmail(n int) string { return fmt.Sprintf("person%d@%s", n, domainName(seedDomains-1)) }

func domainName(i int) string { return fmt.Sprintf("d%03d.example.se", i) }

var firstNames = []string{"Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Eva", "Per", "Sara", "Nils",
	"Ingrid", "Olof", "Lena", "Mikael", "Elsa", "Björn", "Astrid", "Gustav", "Maja", "Oskar"}
var lastNames = []string{"Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
	"Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson",
	"Jönsson", "Lindberg", "Jakobsson", "Magnusson", "Lindström"}

// env is a running portvakt on a seeded data folder, with the provider it signs in through.
type env struct {
	URL    string
	pid    int          // the portvakt process
	Store  *store.Store // opened beside the server, as the host commands do
	keys   handlers.Keys
	ssoIdP int64
	issuer string // the in-process provider's
	// clock is an integration (the time clock) that takes tokens with client credentials.
	clockID, clockSecret string
	logPath              string
	provider             *http.Server
	close                []func()
}

// start seeds a data folder under dir through the store, then runs portvakt on it as a separate
// process (the binary, or one built from ./cmd/portvakt when binary is empty), listening on a
// free loopback port and trusting loopback as its reverse proxy, so that each simulated browser
// can name its own address in X-Forwarded-For. The store stays open beside it, as the host
// commands open it, for sessions and read-backs.
func start(ctx context.Context, dir string, people int, binary string, log io.Writer) (*env, error) {
	e := &env{}
	ok := false
	defer func() {
		if !ok {
			e.Close()
		}
	}()
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		return nil, err
	}
	if binary == "" {
		var err error
		if binary, err = buildPortvakt(ctx, dir); err != nil {
			return nil, err
		}
	}
	keys, err := handlers.LoadOrCreateKeys(filepath.Join(data, "portvakt.key"))
	if err != nil {
		return nil, err
	}
	e.keys = keys
	st, err := store.Open(ctx, filepath.Join(data, "portvakt.db"))
	if err != nil {
		return nil, err
	}
	e.Store = st
	e.close = append(e.close, func() { st.Close() })

	issuer, err := e.startProvider()
	if err != nil {
		return nil, err
	}
	e.issuer = issuer
	began := time.Now()
	if err := e.seed(ctx, people, issuer); err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "seeded %d people, %d domains, %d providers in %s\n", people, seedDomains, seedProviders, time.Since(began).Round(time.Millisecond))
	if err := e.runPortvakt(binary, data, filepath.Join(dir, "portvakt.log")); err != nil {
		return nil, err
	}
	ok = true
	return e, nil
}

// buildPortvakt builds ./cmd/portvakt into dir.
func buildPortvakt(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "portvakt")
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "portvakt/cmd/portvakt").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build portvakt/cmd/portvakt: %w\n%s", err, out)
	}
	return bin, nil
}

var listeningRE = regexp.MustCompile(`listening on (http://\S+)`)

// runPortvakt starts `portvakt serve` on data, its log in logPath, and waits until /readyz
// answers 200. Domain re-checks are off: they would ask DNS about the seeded domains.
func (e *env) runPortvakt(binary, data, logPath string) error {
	logf, err := os.Create(logPath)
	if err != nil {
		return err
	}
	e.logPath = logPath
	cmd := exec.Command(binary, "serve", "--data", data, "--addr", "127.0.0.1:0", "--lang", "en",
		"--trusted-proxies", "127.0.0.0/8", "--domain-recheck", "0")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PORTVAKT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Stderr = logf
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		logf.Close()
		return err
	}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("start %s: %w", binary, err)
	}
	e.pid = cmd.Process.Pid
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		logf.Close()
		close(exited)
	}()
	e.close = append(e.close, func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case urlc <- m[1]:
				default:
				}
			}
		}
	}()
	select {
	case e.URL = <-urlc:
	case <-exited:
		return fmt.Errorf("portvakt stopped before listening:\n%s", e.serverLog())
	case <-time.After(60 * time.Second):
		return fmt.Errorf("portvakt did not print its address within a minute:\n%s", e.serverLog())
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(e.URL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond) // polling a readiness probe
	}
	return fmt.Errorf("%s/readyz did not answer 200 within 30 s:\n%s", e.URL, e.serverLog())
}

// serverLog is what portvakt has logged so far.
func (e *env) serverLog() string {
	b, _ := os.ReadFile(e.logPath)
	return string(b)
}

// Close stops the servers and closes the store.
func (e *env) Close() {
	for i := len(e.close) - 1; i >= 0; i-- {
		e.close[i]()
	}
	e.close = nil
}

// seed creates the people, domains and providers, and the administrator.
func (e *env) seed(ctx context.Context, people int, issuer string) error {
	st := e.Store
	var domainIDs []int64
	for i := range seedDomains {
		d, err := st.AddDomain(ctx, store.CLIActor, domainName(i), "token-"+domainName(i))
		if err != nil {
			return err
		}
		if _, _, err := st.RecordDomainCheck(ctx, store.CLIActor, d.ID, store.DomainCheck{Kind: store.CheckVerified, Result: "verified"}); err != nil {
			return err
		}
		domainIDs = append(domainIDs, d.ID)
	}
	for i := range seedProviders {
		in := store.IdPInput{Name: fmt.Sprintf("Provider %d", i), Issuer: fmt.Sprintf("https://idp%d.example.se", i),
			ClientID: "portvakt", Scopes: "openid email profile", Enabled: true}
		if i == 0 {
			in.Name, in.Issuer = "Local provider", issuer
			in.DomainIDs = []int64{domainIDs[0]}
		} else {
			for d := i; d < ssoDomains; d += seedProviders - 1 {
				in.DomainIDs = append(in.DomainIDs, domainIDs[d])
			}
		}
		sealed, err := sealSecret(e.keys, "secret-"+in.Name)
		if err != nil {
			return err
		}
		in.SecretEnc = sealed
		id, err := st.CreateIdP(ctx, store.CLIActor, in)
		if err != nil {
			return err
		}
		if i == 0 {
			e.ssoIdP = id
		}
	}
	actor := store.HostActor("portvakt user add")
	for n := range people {
		name := firstNames[n%len(firstNames)] + " " + lastNames[(n/len(firstNames))%len(lastNames)]
		email := fmt.Sprintf("person%d@%s", n, domainName(n%seedDomains))
		if _, err := st.CreateUser(ctx, actor, store.NewUser{Email: email, Name: name, EmailVerified: true}); err != nil {
			return err
		}
	}
	clock, secret, err := st.CreateApplication(ctx, store.CLIActor, store.AppSettings{Name: "Time clock",
		Kind: store.AppIntegration, Enabled: true}.Normalize())
	if err != nil {
		return err
	}
	e.clockID, e.clockSecret = clock.ClientID, secret
	admin, err := st.CreateUser(ctx, actor, store.NewUser{Email: adminEmail, Name: "Load Admin", Admin: true, EmailVerified: true})
	if err != nil {
		return err
	}
	return st.GrantAuthSettings(ctx, store.CLIActor, admin.ID)
}

// sealSecret encrypts a client secret as portvakt does (handlers/secrets.go): AES-256-GCM under
// the key file's secrets key, random nonce first.
func sealSecret(k handlers.Keys, plain string) ([]byte, error) {
	block, err := aes.NewCipher(k.Secrets[:])
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	_, _ = rand.Read(nonce)
	return aead.Seal(nonce, nonce, []byte(plain), []byte("portvakt idp client secret v1")), nil
}

// adminCookie makes a session for the administrator in the store and returns the session cookie
// a browser signed in with it would send, encoded with the key file's session keys.
func (e *env) adminCookie(ctx context.Context) (*http.Cookie, error) {
	u, err := e.Store.UserByEmail(ctx, adminEmail)
	if err != nil {
		return nil, err
	}
	token, err := e.Store.CreateSession(ctx, store.NewSession{UserID: u.ID, Method: store.MethodPassword})
	if err != nil {
		return nil, err
	}
	value, err := securecookie.EncodeMulti(handlers.CookieName, map[any]any{handlers.CookieTokenKey: token},
		securecookie.CodecsFromPairs(e.keys.SessionAuth[:], e.keys.SessionEnc[:])...)
	if err != nil {
		return nil, err
	}
	return &http.Cookie{Name: handlers.CookieName, Value: value, Path: "/"}, nil
}

// startProvider serves a minimal OpenID provider on loopback: its discovery document and an
// empty key set are all an SSO start needs; the authorization endpoint only answers 200.
func (e *env) startProvider() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	issuer := "http://" + ln.Addr().String()
	doc, _ := json.Marshal(map[string]any{
		"issuer":                                issuer,
		"authorization_endpoint":                issuer + "/authorize",
		"token_endpoint":                        issuer + "/token",
		"userinfo_endpoint":                     issuer + "/userinfo",
		"jwks_uri":                              issuer + "/jwks",
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"code_challenge_methods_supported":      []string{"S256"},
		"scopes_supported":                      []string{"openid", "email", "profile"},
	})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(doc)
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"keys":[]}`)
	})
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "sign in here")
	})
	e.provider = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := e.provider.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = err
		}
	}()
	e.close = append(e.close, func() { _ = e.provider.Close() })
	return issuer, nil
}
