package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestMemoryReport runs -memory on a small database with a small burst: portvakt starts, every
// password attempt is answered (signed in, refused or 429), and the report has its figures. The
// figures themselves are for people to read (task memory), not timed here.
func TestMemoryReport(t *testing.T) {
	t.Parallel()
	c := config{people: 200, burst: 12, binary: testBinary}
	var log bytes.Buffer
	rep, err := memory(context.Background(), t.TempDir(), c, &log)
	if err != nil {
		t.Fatalf("memory: %v\n%s", err, log.String())
	}
	if rep.failed != 0 {
		t.Errorf("%d attempts failed: %v", rep.failed, rep.failures)
	}
	if n := rep.answers["signed in"] + rep.answers["refused"] + rep.answers["429"]; n != c.burst {
		t.Errorf("%d answers to %d attempts: %v", n, c.burst, rep.answers)
	}
	if rep.answers["signed in"] == 0 || rep.answers["refused"] == 0 {
		t.Errorf("answers %v: want right passwords signed in and wrong ones refused", rep.answers)
	}
	if len(rep.starts) != memoryStarts || rep.idleRSS <= 0 || rep.burstHWM < rep.idleRSS {
		t.Errorf("starts %v, idle RSS %d, peak %d", rep.starts, rep.idleRSS, rep.burstHWM)
	}
	var out bytes.Buffer
	rep.print(&out)
	for _, want := range []string{"ready after start", "RSS idle after start", "peak RSS, 12 password attempts at once", "answers to the burst"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report has no %q:\n%s", want, out.String())
		}
	}
}
