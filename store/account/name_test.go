package account

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckName(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		err      error
	}{
		{"  Anna Öberg ", "Anna Öberg", nil},
		{"José Ñúñez-García", "José Ñúñez-García", nil},
		{"محمد", "محمد", nil},
		{"👩\u200d💻 Kim", "👩\u200d💻 Kim", nil},
		{"", "", ErrNameEmpty},
		{" \t ", "", ErrNameEmpty},
		{strings.Repeat("å", MaxName), strings.Repeat("å", MaxName), nil},
		{strings.Repeat("å", MaxName+1), "", ErrNameTooLong},
		{"Anna\x00Admin", "", ErrNameInvalid},
		{"Anna\xff", "", ErrNameInvalid},
		{"Anna\u202egnp.exe", "", ErrNameInvalid},
		{"Anna\u202a", "", ErrNameInvalid},
		{"\u2066Anna\u2069", "", ErrNameInvalid},
		{"Anna\u200eBo", "", ErrNameInvalid},
		{"Anna\nBo", "", ErrNameInvalid},
		{"Anna\u2028Bo", "", ErrNameInvalid},
		{"Anna\ufeff", "", ErrNameInvalid},
		{"Anna\u0007", "", ErrNameInvalid},
	} {
		got, err := CheckName(tt.in)
		if !errors.Is(err, tt.err) || err == nil && got != tt.want {
			t.Errorf("CheckName(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}
