package account

import "testing"

// TestDefaultHashesAtOnceBounded: by default one hash runs per CPU, but never more than four at
// once, since each holds 19 MiB: with one per CPU, 200 password attempts at once peaked at 378 MB
// RSS on 8 CPUs and 773 MB on 16.
func TestDefaultHashesAtOnceBounded(t *testing.T) {
	t.Parallel()
	for cpus, want := range map[int]int{1: 1, 2: 2, 4: 4, 8: 4, 16: 4, 128: 4} {
		if got := defaultHashesAtOnce(cpus); got != want {
			t.Errorf("%d CPUs: %d hashes at once, want %d", cpus, got, want)
		}
	}
	if n := cap(NewPasswordHasher(0).slots); n < 1 || n > maxHashesAtOnce {
		t.Errorf("NewPasswordHasher(0) allows %d hashes at once", n)
	}
}
