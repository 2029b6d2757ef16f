package main

import (
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestFullDiskAnswers503: on a real full disk (a small tmpfs, which needs the right to mount;
// the test is skipped without it) a sign-in, which writes a session, answers 503 saying nothing
// was saved, /readyz answers 503 saying the disk is full and what to do, and pages that only read
// keep working. Once there is room again the next write succeeds and /readyz is 200.
func TestFullDiskAnswers503(t *testing.T) {
	data := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", data).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs to fill (%v: %s)", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", data).Run() })
	inst := startPortvakt(t, nil, "--data", data)
	inst.Data = data
	addUser(t, inst, "anna@example.se", "Anna")

	filler := filepath.Join(data, "filler")
	f, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64<<10)
	for {
		if _, err := f.Write(buf); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("fill the disk: %v", err)
			}
			break
		}
	}
	f.Close()

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := client.Get(inst.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	post := func(path string, form url.Values) (int, string) {
		t.Helper()
		u, _ := url.Parse(inst.URL)
		var token string
		for _, c := range jar.Cookies(u) {
			if c.Name == "_csrf" {
				token = c.Value
			}
		}
		req, _ := http.NewRequest(http.MethodPost, inst.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-CSRF-Token", token)
		req.Header.Set("Origin", inst.URL)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	signIn := func() (int, string) {
		if code, _ := get("/login"); code != http.StatusOK {
			t.Fatalf("GET /login on a full disk: %d, want 200 (reads keep working)", code)
		}
		post("/login", url.Values{"email": {"anna@example.se"}})
		return post("/login/password", url.Values{"password": {testPassword}})
	}

	code, body := signIn()
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "Ändringen kunde inte sparas") {
		t.Errorf("sign-in on a full disk: %d, want 503 with the storage page\n%.600s", code, body)
	}
	code, body = get("/readyz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "is full") || !strings.Contains(body, "Free space") {
		t.Errorf("/readyz on a full disk: %d %q, want 503 saying the disk is full and what to do", code, body)
	}
	if code, _ := get("/healthz"); code != http.StatusOK {
		t.Errorf("/healthz: %d", code)
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if code, body := signIn(); code != http.StatusSeeOther {
		t.Errorf("sign-in after space was freed: %d, want 303\n%.600s", code, body)
	}
	if code, body := get("/readyz"); code != http.StatusOK {
		t.Errorf("/readyz after a write succeeded: %d %q", code, body)
	}
}
