package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Timeouts of the web server, so that slow or stalled clients cannot hold connections open: the
// headers must arrive within readHeaderTimeout, the whole request within readTimeout, the answer
// must be taken within writeTimeout, and a kept-alive connection closes after idleTimeout.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 120 * time.Second
	// shutdownGrace is how long requests in flight get to finish at shutdown; connections still
	// open after it are closed.
	shutdownGrace = 15 * time.Second
)

// defaultMaxConns is the default of --max-connections: far above what a few hundred people
// signing in at once open (browsers keep about six connections per site, mostly idle), and low
// enough that the file descriptors and memory of a flood stay bounded.
const defaultMaxConns = 1024

// httpServer is the portal's web server with its connections tracked, so that shutdown can end
// the slow ones at once instead of waiting for them.
type httpServer struct {
	*http.Server
	mu       sync.Mutex
	conns    map[net.Conn]*trackedConn
	stopping atomic.Bool
}

// trackedConn is what shutdown needs to know of one connection.
type trackedConn struct {
	state    http.ConnState
	reading  atomic.Int32 // handlers blocked reading the request body
	bodyDone atomic.Bool  // the current request's body has been read to its end (or it has none)
}

type connKey struct{}

// newHTTPServer serves the portal with timeouts and tracked connections.
func newHTTPServer(h http.Handler, log *slog.Logger) *httpServer {
	s := &httpServer{conns: map[net.Conn]*trackedConn{}}
	s.Server = &http.Server{
		Handler:           s.guardBody(h),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, connKey{}, c)
		},
		ConnState: s.connState,
	}
	return s
}

func (s *httpServer) connState(c net.Conn, st http.ConnState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch st {
	case http.StateClosed, http.StateHijacked:
		delete(s.conns, c)
	default:
		tc := s.conns[c]
		if tc == nil {
			tc = &trackedConn{}
			s.conns[c] = tc
		}
		tc.state = st
	}
}

// guardBody lets shutdown interrupt a handler waiting for a slow client's request body: the
// body's reads are counted per connection, and fail once shutdown has begun.
func (s *httpServer) guardBody(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _ := r.Context().Value(connKey{}).(net.Conn)
		s.mu.Lock()
		tc := s.conns[c]
		s.mu.Unlock()
		if tc != nil {
			hasBody := r.Body != nil && r.Body != http.NoBody
			tc.bodyDone.Store(!hasBody)
			if hasBody {
				r.Body = &guardedBody{ReadCloser: r.Body, tc: tc, stopping: &s.stopping}
			}
		}
		h.ServeHTTP(w, r)
	})
}

var errShuttingDown = errors.New("the server is shutting down")

type guardedBody struct {
	io.ReadCloser
	tc       *trackedConn
	stopping *atomic.Bool
}

func (b *guardedBody) Read(p []byte) (int, error) {
	b.tc.reading.Add(1)
	defer b.tc.reading.Add(-1)
	if b.stopping.Load() {
		return 0, errShuttingDown
	}
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.tc.bodyDone.Store(true)
	}
	return n, err
}

// shutdown stops accepting, closes idle connections and those still sending their headers, ends
// the reads of requests whose body has not arrived (a handler waiting for it gets an error, and
// the server does not wait to discard the rest), and gives the other requests in flight
// shutdownGrace to finish; connections still open after it are closed. A stop that had to close
// connections is still a clean stop: it is logged, not an error.
func (s *httpServer) shutdown(log *slog.Logger) error {
	s.stopping.Store(true)
	done := make(chan error, 1)
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	go func() { done <- s.Server.Shutdown(ctx) }()
	s.mu.Lock()
	now := time.Now()
	for c, tc := range s.conns {
		switch {
		case tc.state == http.StateNew || tc.state == http.StateIdle:
			c.Close()
		case tc.reading.Load() > 0 || !tc.bodyDone.Load():
			// Not for a request whose body is read: the server is then reading ahead to see
			// the client hang up, and a failed read would cancel the request's context.
			_ = c.SetReadDeadline(now)
		}
	}
	s.mu.Unlock()
	err := <-done
	if errors.Is(err, context.DeadlineExceeded) {
		s.mu.Lock()
		n := len(s.conns)
		s.mu.Unlock()
		log.Warn("closing connections that did not finish within the shutdown grace period", "connections", n, "grace", shutdownGrace)
		return s.Server.Close()
	}
	return err
}

// serveUntilDone serves on ln until ctx ends, then shuts down (see shutdown).
func serveUntilDone(ctx context.Context, srv *httpServer, ln net.Listener, log *slog.Logger) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	if err := srv.shutdown(log); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// connLimitListener accepts at most max connections at once. Past it a new connection gets a
// short 503 answer saying so, and is closed, rather than waiting unseen in the kernel's queue.
type connLimitListener struct {
	net.Listener
	sem     chan struct{}
	log     *slog.Logger
	refused atomic.Int64
}

func limitConns(ln net.Listener, max int, log *slog.Logger) net.Listener {
	return &connLimitListener{Listener: ln, sem: make(chan struct{}, max), log: log}
}

// tooManyConnsBody is the answer to a connection past the limit, in both languages.
const tooManyConnsBody = "För många anslutningar just nu. Försök igen om några sekunder.\n" +
	"Too many connections at once. Please try again in a few seconds.\n"

// tooManyConns is the whole answer to a connection past the limit.
var tooManyConns = "HTTP/1.1 503 Service Unavailable\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\nRetry-After: 5\r\nConnection: close\r\n" +
	"Content-Length: " + strconv.Itoa(len(tooManyConnsBody)) + "\r\n\r\n" + tooManyConnsBody

func (l *connLimitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		select {
		case l.sem <- struct{}{}:
			return &limitedConn{Conn: c, release: func() { <-l.sem }}, nil
		default:
			if n := l.refused.Add(1); n == 1 || n%1000 == 0 {
				l.log.Warn("connection limit reached: refusing new connections with 503", "limit", cap(l.sem), "refused", n)
			}
			go refuseConn(c)
		}
	}
}

// refuseConn answers a connection past the limit and closes it, within a second. It reads what
// the client sent after answering, so that closing does not reset the connection before the
// client has read the answer.
func refuseConn(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := io.WriteString(c, tooManyConns); err != nil {
		return
	}
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(c, 64<<10))
}

type limitedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
